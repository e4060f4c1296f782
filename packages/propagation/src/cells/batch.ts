export { batch, untracked } from './internal/graph.js';
