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

// Header larger than this is rejected before any allocation (a corrupt length field).
constexpr uint64_t kMaxSafetensorsHeader = 100u << 20;

std::vector<uint8_t> safetensors_bytes(const SafeTensors& st);
void save_safetensors(const std::string& path, const SafeTensors& st);  // atomic (tmp + rename)

// Validates: file size ≥ 8, header length ≤ kMaxSafetensorsHeader and ≤ remaining bytes,
// JSON well-formed, every tensor entry has dtype F32, an integer shape, offsets within the
// data section with end − begin == 4·product(shape), no overlaps. Throws dae::Error naming the
// problem ("safetensors: header length 1e12 exceeds file size 74,880").
SafeTensors load_safetensors(const std::string& path);
SafeTensors parse_safetensors(const uint8_t* bytes, size_t n);

}  // namespace dae
