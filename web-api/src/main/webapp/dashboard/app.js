// The dashboard: ES modules the browser loads as they are written, no build step; everything comes from this server.
// The modules follow the server's boundary/control/entity split. boundary/ is what the user sees and touches (the
// pages, the charts, the header's buttons), control/ talks to the server and decides what to show (requests and
// streams, the routing, points or buckets), entity/ holds the values the pages share (time windows, the fleet's
// figures, how numbers read). uPlot is a classic script before this one, so it is a global here.
import {fleetPage} from './boundary/fleet-page.js';
import {gpuPage} from './boundary/gpu-page.js';
import {queuePage} from './boundary/queue-page.js';
import {themeButton} from './boundary/theme-button.js';
import {tokenForm} from './boundary/token-form.js';
import {route, routeTo} from './control/router.js';

themeButton(document.getElementById('theme'), route);
tokenForm(document.getElementById('token'), document.getElementById('token-form'), route);
routeTo({fleet: fleetPage, gpu: gpuPage, queue: queuePage});
