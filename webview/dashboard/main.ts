// Entry of the dashboard page bundle (dist/webview/dashboard.js).
import 'uplot/dist/uPlot.min.css';
import { DashboardApp } from './app';
import { browserTimers } from './renderScheduler';
import { connectToHost } from './vscodeApi';

const root = document.getElementById('dashboard');
if (root) new DashboardApp(root, connectToHost(), browserTimers()).start();
