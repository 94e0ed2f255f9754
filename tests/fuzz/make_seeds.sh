#!/usr/bin/env bash
# Generates the fuzzers' seed corpora that are not files of the project:
#   make_seeds.sh GIEXEC SOURCE_ROOT OUT_DIR STAMP
# OUT_DIR/onnx: tests/data/onnx and ONNX's per-operator models (Debian's
# libonnx-testdata, where installed); OUT_DIR/caffemodel: weights of
# caffemodel_deploy.prototxt from giexec --saveWeights; OUT_DIR/plan: CPU plans
# of small models from giexec --engine; OUT_DIR/caffe_text: the project's
# prototxts and most of ../shared/models/caffe.
set -euo pipefail
giexec=$1 source_root=$2 out=$3 stamp=$4
rm -rf "$out"
mkdir -p "$out/onnx" "$out/caffe_text" "$out/caffemodel" "$out/plan"
log="$out/giexec.log"
: >"$log"

cp "$source_root"/tests/data/onnx/*.onnx "$out/onnx/"
cp "$source_root"/tests/caffe/*.prototxt "$source_root"/tests/fuzz/*.prototxt "$out/caffe_text/"
# The real networks of ../shared/models/caffe, but for AlexNet and ResNet-50,
# whose 60M and 25M random weights take seconds per run under the sanitizers.
shared_caffe="$source_root/../shared/models/caffe"
for name in lenet cifar10_quick mobilenet_v1 bvlc_googlenet; do
  [ -f "$shared_caffe/$name.prototxt" ] && cp "$shared_caffe/$name.prototxt" "$out/caffe_text/"
done
node_tests=/usr/share/libonnx-testdata/data/node
if [ -d "$node_tests" ]; then
  for model in "$node_tests"/*/model.onnx; do
    name=$(basename "$(dirname "$model")")
    # Only small ones: the fuzzer's input size limit follows the largest seed.
    [ "$(stat -c %s "$model")" -le 16384 ] && cp "$model" "$out/onnx/$name.onnx"
  done
fi

run_giexec() {
  echo "giexec $*" >>"$log"
  "$giexec" --backend=cpu --threads=1 --iterations=1 --avgRuns=1 "$@" >>"$log" 2>&1
}

deploy="$source_root/tests/fuzz/caffemodel_deploy.prototxt"
for seed in 1 2 3; do
  run_giexec --deploy="$deploy" --seed="$seed" --saveWeights="$out/caffemodel/seed$seed.caffemodel"
done
run_giexec --deploy="$deploy" --engine="$out/plan/caffemodel_deploy.plan"
run_giexec --deploy="$source_root/tests/caffe/layer_zoo.prototxt" --engine="$out/plan/layer_zoo.plan"
for model in conv_relu_pool constants shape_subgraph; do
  run_giexec --onnx="$source_root/tests/data/onnx/$model.onnx" --engine="$out/plan/$model.plan"
done
# A spread of layer types from ONNX's tests; a model giexec cannot build
# (dynamic dims, unsupported op) just gives no seed.
if [ -d "$node_tests" ]; then
  for name in test_gather_elements_0 test_softmax_axis_1 test_concat_3d_axis_1 test_reduce_mean_keepdims_example \
    test_resize_upsample_scales_nearest test_expand_dim_changed test_tile test_slice test_transpose_default \
    test_matmul_3d test_gemm_default_matrix_bias test_maxpool_2d_pads test_conv_with_strides_padding \
    test_convtranspose test_batchnorm_example test_constant_pad test_where_example test_argmax_default_axis_example \
    test_cast_FLOAT_to_DOUBLE test_gather_0; do
    [ -f "$node_tests/$name/model.onnx" ] &&
      { run_giexec --onnx="$node_tests/$name/model.onnx" --engine="$out/plan/$name.plan" || true; }
  done
fi

for target in caffemodel plan; do
  if ! ls "$out/$target"/* >/dev/null 2>&1; then
    echo "make_seeds.sh: giexec made no $target seed; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
done
touch "$stamp"
