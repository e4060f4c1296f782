/**
 * @mmsb/utility — layer 6 of MMSB: cost functions, telemetry, entropy measurement, Prometheus/OpenTelemetry export.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
