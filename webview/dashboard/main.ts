// Entry of the dashboard page bundle (dist/webview/dashboard.js).
import 'uplot/dist/uPlot.min.css';
import { HOST_TO_PAGE, PAGE_TO_HOST } from '../../core/dashboard/messages';
import { connectToHost } from '../shared/messenger';
import { DashboardApp } from './app';
import { browserTimers } from './renderScheduler';

const root = document.getElementById('dashboard');
if (root) new DashboardApp(root, connectToHost(HOST_TO_PAGE, PAGE_TO_HOST), browserTimers()).start();
