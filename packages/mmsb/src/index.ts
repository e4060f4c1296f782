/**
 * mmsb — the façade users import. The page layer's API (`mmsbStart`, `createPage`,
 * `updatePage`, `queryPage`, `mmsbStop`) arrives with layer 1; for now the façade offers the
 * doctor report that `mmsb doctor` prints.
 */
export { doctorReport, formatDoctorReport } from './commands/doctor.js';
export type { DoctorReport } from './commands/doctor.js';
export { MMSB_VERSION } from './version.js';
