import { createApp } from 'vue';
import './screen.css';
import { requireSession } from '../common/session.js';
import ScreenApp from './ScreenApp.vue';

if (requireSession()) createApp(ScreenApp).mount('#app');
