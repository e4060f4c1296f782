/**
 * @mmsb/planning — layer 9 of MMSB: MCTS/PUCT, goal decomposition, HTN, RL planning with ONNX policies, replanning, plan explanation.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
