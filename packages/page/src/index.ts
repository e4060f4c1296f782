/**
 * @mmsb/page — layer 1 of MMSB: Page, Delta (dense, sparse runs, compressed), epochs, TLog, checkpoints, replay, diffing, transactions and isolation, corruption detection.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
