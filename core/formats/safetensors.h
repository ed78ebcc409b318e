// safetensors.h — read and write the safetensors format (https://huggingface.co/docs/safetensors):
//   8 bytes   little-endian uint64 N = header length
//   N bytes   JSON: {"__metadata__": {str: str}, "<name>": {"dtype": "F32", "shape": [..],
//             "data_offsets": [begin, end]}, ...}   (offsets relative to the data section)
//   rest      raw little-endian tensor data
// Only F32 tensors are written; reading accepts F32 (other dtypes are rejected with a clear
// error). This layer knows nothing about models; model.h maps layers to names.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dae {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // product(shape) values
};

struct SafeTensors {
  std::map<std::string, std::string> metadata;  // "__metadata__" (string → string only)
  std::vector<NamedTensor> tensors;             // written in this order
  const NamedTensor* find(const std::string& name) const;
};

// A header larger than this is rejected before it is parsed (ours are a few KB; parsing takes
// up to ~16 bytes of memory per byte of header, so this bounds it to ~128 MB).
constexpr uint64_t kMaxSafetensorsHeader = 8u << 20;
// A model file larger than this is not read (the largest model, 64M parameters, is 256 MB).
constexpr size_t kMaxModelFile = size_t(512) << 20;

std::vector<uint8_t> safetensors_bytes(const SafeTensors& st);
void save_safetensors(const std::string& path, const SafeTensors& st);  // atomic (io.h write_file)

// Writing: the header lists "__metadata__" first (omitted when empty), then the tensors in
// order with contiguous offsets, compact JSON padded with spaces to a multiple of 8 (as the
// reference implementation does). Throws dae::Error on duplicate or "__metadata__" names,
// invalid UTF-8, negative dimensions, or data.size() != product(shape).
//
// Reading validates: file size ≥ 8, header length ≤ file size − 8 and ≤
// kMaxSafetensorsHeader, strict JSON (valid UTF-8, no duplicate keys, nothing but whitespace
// after the object), __metadata__ an object of strings (or null), every tensor entry an object
// with exactly dtype (F32; other dtypes are named in the error), shape (non-negative integers,
// product not overflowing) and data_offsets ([begin, end], end − begin == 4·product(shape)),
// offsets within the data section, and the tensors tiling the data section exactly (no
// overlaps, no gaps, no trailing bytes). Throws dae::Error naming the problem, e.g.
// "safetensors: header length 1,000,000,000,000 exceeds file size 74,880"; load_* puts the
// path after the prefix ("safetensors: 'm.safetensors': ..."). Tensors come back in header
// order. Allocation is bounded by the input: tensor data by the data section, the parsed
// header by ~16 bytes per JSON value in it (an out-of-memory there becomes a dae::Error).
SafeTensors load_safetensors(const std::string& path);
SafeTensors parse_safetensors(const uint8_t* bytes, size_t n);

}  // namespace dae
