// The figures the fleet shows for each GPU: metric, column title, unit.
export const FLEET_METRICS = [
    ['DCGM_FI_DEV_GPU_UTIL', 'Util', '%'],
    ['DCGM_FI_DEV_GPU_TEMP', 'Temp', '°C'],
    ['DCGM_FI_DEV_POWER_USAGE', 'Power', 'W'],
    ['DCGM_FI_DEV_FB_USED', 'Mem', 'MiB'],
];

// A GPU that has not reported for this long is flagged: the sample's streamers report every few seconds.
const STALE_MS = 2 * 60 * 1000;

export const isStale = (lastSeen) => Date.now() - lastSeen > STALE_MS;
