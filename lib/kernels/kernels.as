// AssemblyScript entry point of the project's own wasm kernels (built by
// lib/kernels/plumbing/build.ts). Each kernel lives in its own file.
export { filterGrad } from "./conv/direct_filter_grad";
export { columnSums } from "./reduce/column_sums";
export { addPartials } from "./reduce/add_partials";
export { channelAffine, columnCentredDots } from "./batch_norm/channel_ops";
export { maxPool2x2Grad } from "./resample/max_pool_grad";
export { maxPool2x2 } from "./resample/max_pool";
export { copyColumns } from "./copy/copy_columns";
export { softmaxXent } from "./loss/softmax_xent";
export { reluGrad } from "./relu/relu_grad";
export { relu } from "./relu/relu";
export { upsample2x } from "./resample/upsample2x";
export { upsample2xGrad } from "./resample/upsample2x_grad";
export { adamUpdate } from "./optimizer/adam";
export { winograd4FilterFromGrad, winograd4GradU } from "./conv/winograd_filter_grad";
export { winograd4Conv, winograd4Filter } from "./conv/winograd_conv";
export { convSmall } from "./conv/direct_small";
