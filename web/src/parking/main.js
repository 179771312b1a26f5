import { createApp } from 'vue';
import '../common/base.css';
import './parking.css';
import ParkingApp from './ParkingApp.vue';

createApp(ParkingApp).mount('#app');
