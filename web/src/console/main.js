import { createApp } from 'vue';
import '../common/base.css';
import './console.css';
import { requireSession } from '../common/session.js';
import ConsoleApp from './ConsoleApp.vue';

if (requireSession()) createApp(ConsoleApp).mount('#app');
