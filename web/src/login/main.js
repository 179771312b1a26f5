import { createApp } from 'vue';
import '../common/base.css';
import LoginApp from './LoginApp.vue';

createApp(LoginApp).mount('#app');
