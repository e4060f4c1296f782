/**
 * @mmsb/applications — layer 12 of MMSB: LLM tools (MCP server), world simulation, multi-agent, finance.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
