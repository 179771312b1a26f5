// The citizens' report page (no login): report a problem, then follow it by
// its tracking number.
import { createApp } from 'vue';
import '../common/base.css';
import ReportApp from './ReportApp.vue';

createApp(ReportApp).mount('#app');
