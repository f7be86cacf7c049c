// AssemblyScript entry point of the project's own wasm kernels (built by
// lib/kernels/build.ts). Each kernel lives in its own file.
export { filterGrad } from "./filter_grad";
export { columnSums } from "./column_sums";
export { channelAffine, columnCentredDots } from "./channel_ops";
export { maxPool2x2Grad } from "./max_pool_grad";
export { copyColumns } from "./copy_columns";
export { softmaxXent } from "./softmax_xent";
export { reluGrad } from "./relu_grad";
export { upsample2x } from "./upsample2x";
export { adamUpdate } from "./adam";
export { winogradFilterFromGrad, winogradGradU } from "./winograd";
export { winograd4Conv, winograd4Filter } from "./winograd4";
export { convSmall } from "./conv_small";
