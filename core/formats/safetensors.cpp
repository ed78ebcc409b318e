// safetensors.cpp — see safetensors.h.
#include "formats/safetensors.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <set>
#include <string_view>

#include "base/common.h"
#include "formats/io.h"
#include "formats/json.h"

namespace dae {

const NamedTensor* SafeTensors::find(const std::string& name) const {
  for (const NamedTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

[[noreturn]] void fail(const std::string& msg) { throw Error("safetensors: " + msg); }

std::string with_commas(uint64_t v) { return thousands(v); }

// A name as it appears in messages: JSON-quoted (control characters escaped), shortened if
// very long.
std::string quote(std::string_view s) {
  return dump_json(Json(s.size() > 80 ? std::string(s.substr(0, 80)) + "..." : std::string(s)));
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Number of elements, or false if a dimension is negative or the byte count (4 per element)
// does not fit in uint64.
bool element_count(const std::vector<int64_t>& shape, uint64_t& count) {
  uint64_t c = 1;
  for (int64_t d : shape) {
    if (d < 0) return false;
    if (d != 0 && c > (UINT64_MAX / 4) / uint64_t(d)) return false;
    c *= uint64_t(d);
  }
  count = c;
  return true;
}


// Every dtype the reference implementation knows, so that a valid file of another dtype gets
// "has dtype F16; only F32 is supported" rather than "unknown dtype".
bool known_dtype(const std::string& d) {
  static const char* const kDtypes[] = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3", "F8_E8M0",
                                        "I16",  "U16", "F16", "BF16",    "I32",     "U32",
                                        "F32",  "F64", "I64", "U64",     "F4",      "F6_E2M3",
                                        "F6_E3M2", "C64"};
  for (const char* k : kDtypes)
    if (d == k) return true;
  return false;
}

std::string a_type(const Json& v) { return json_kind(v); }

// A non-negative integer of the header (dimensions, offsets), or false.
bool non_negative(const Json& v, uint64_t& out) {
  if (v.is_number_unsigned()) { out = v.get<uint64_t>(); return true; }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) { out = uint64_t(v.get<int64_t>()); return true; }
  return false;
}

struct Span {
  uint64_t begin, end;
  size_t index;  // into the parsed tensor list
};

}  // namespace

// ---- writing -------------------------------------------------------------------------------

std::vector<uint8_t> safetensors_bytes(const SafeTensors& st) {
  Json header = Json::object();
  if (!st.metadata.empty()) {
    Json md = Json::object();
    for (const auto& [k, v] : st.metadata) {
      if (!valid_utf8(k) || !valid_utf8(v))
        fail("metadata key or value " + quote(k) + " is not valid UTF-8");
      md[k] = v;
    }
    header["__metadata__"] = std::move(md);
  }

  std::set<std::string_view> names;
  uint64_t offset = 0;
  for (const NamedTensor& t : st.tensors) {
    if (t.name == "__metadata__") fail("a tensor cannot be named \"__metadata__\"");
    if (!valid_utf8(t.name)) fail("tensor name " + quote(t.name) + " is not valid UTF-8");
    if (!names.insert(t.name).second) fail("duplicate tensor name " + quote(t.name));
    uint64_t count = 0;
    if (!element_count(t.shape, count))
      fail("tensor " + quote(t.name) + " has an invalid shape " + shape_str(t.shape));
    if (count != t.data.size())
      fail("tensor " + quote(t.name) + " has shape " + shape_str(t.shape) + " (" +
           std::to_string(count) + " values) but " + std::to_string(t.data.size()) + " values");
    Json shape = Json::array();
    for (int64_t d : t.shape) shape.push_back(d);
    Json entry = Json::object();
    entry["dtype"] = "F32";
    entry["shape"] = std::move(shape);
    entry["data_offsets"] = Json::array({offset, offset + 4 * count});
    header[t.name] = std::move(entry);
    offset += 4 * count;
  }

  std::string text = dump_json(header);
  text.append((8 - text.size() % 8) % 8, ' ');  // pad like the reference implementation
  if (text.size() > kMaxSafetensorsHeader)
    fail("header of " + with_commas(text.size()) + " bytes exceeds the limit of " +
         with_commas(kMaxSafetensorsHeader));

  std::vector<uint8_t> out(8 + text.size() + offset);
  const uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(n >> (8 * i));
  std::memcpy(out.data() + 8, text.data(), text.size());
  uint8_t* p = out.data() + 8 + text.size();
  for (const NamedTensor& t : st.tensors) {
    for (size_t i = 0; i < t.data.size(); ++i) {  // bit copies: NaN payloads survive
      uint32_t u;
      std::memcpy(&u, &t.data[i], 4);
      put_le(p, u, 4);
      p += 4;
    }
  }
  return out;
}

void save_safetensors(const std::string& path, const SafeTensors& st) {
  const std::vector<uint8_t> bytes = safetensors_bytes(st);  // validate before touching disk
  write_file(path, bytes.data(), bytes.size());
}

// ---- reading -------------------------------------------------------------------------------

namespace {

// The header's JSON object, after checking its length against the file and the limit; hlen
// gets its length in bytes.
Json read_header(const uint8_t* bytes, size_t n, uint64_t& hlen) {
  if (n < 8)
    fail("file is " + std::to_string(n) + " bytes, too short for the 8-byte header length");
  hlen = get_le64(bytes);
  if (hlen > uint64_t(n) - 8)
    fail("header length " + with_commas(hlen) + " exceeds file size " + with_commas(n));
  if (hlen > kMaxSafetensorsHeader)
    fail("header length " + with_commas(hlen) + " exceeds the limit of " +
         with_commas(kMaxSafetensorsHeader));

  Json header;
  try {
    header = parse_json(std::string_view(reinterpret_cast<const char*>(bytes + 8), size_t(hlen)),
                        /*max_depth=*/16);
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("json: ", 0) == 0) msg.erase(0, 6);
    fail("invalid header JSON: " + msg);
  } catch (const std::bad_alloc&) {
    fail("header of " + with_commas(hlen) + " bytes is too large to parse in memory");
  }
  if (!header.is_object()) fail("header is " + a_type(header) + ", not a JSON object");
  return header;
}

// "__metadata__": an object of strings (or null).
void read_metadata(const Json& v, SafeTensors& st) {
  if (v.is_null()) return;
  if (!v.is_object())
    fail("__metadata__ is " + a_type(v) + ", not an object");
  for (const auto& [k, val] : v.items()) {
    if (!val.is_string())
      fail("__metadata__ value for " + quote(k) + " is " + a_type(val) + ", not a string");
    st.metadata[k] = val.get<std::string>();
  }
}

// A tensor entry `v` has exactly the fields dtype (F32), shape and data_offsets: returns the
// last two. `what` names it in messages.
struct Entry {
  const Json *shape, *offsets;
};
Entry entry_fields(const Json& v, const std::string& what) {
  if (!v.is_object()) fail(what + " is described by " + a_type(v) + ", not an object");
  for (const auto& field : v.items())
    if (field.key() != "dtype" && field.key() != "shape" && field.key() != "data_offsets")
      fail(what + " has an unexpected field " + quote(field.key()));
  const Json* dtype = json_find(v, "dtype");
  const Json* shape = json_find(v, "shape");
  const Json* offsets = json_find(v, "data_offsets");
  if (!dtype) fail(what + " has no \"dtype\"");
  if (!shape) fail(what + " has no \"shape\"");
  if (!offsets) fail(what + " has no \"data_offsets\"");

  if (!dtype->is_string()) fail(what + " has a dtype that is not a string");
  const std::string& dt = dtype->get_ref<const std::string&>();
  if (dt != "F32") {
    if (known_dtype(dt)) fail(what + " has dtype " + dt + "; only F32 is supported");
    fail(what + " has unknown dtype " + quote(dt));
  }
  return {shape, offsets};
}

// A tensor entry of the header: its name and shape into `t` (no data yet), and where its data
// lies in the data section of data_size bytes.
Span read_tensor_entry(const std::string& name, const Json& v, uint64_t data_size, NamedTensor& t) {
  const std::string what = "tensor " + quote(name);
  const auto [shape, offsets] = entry_fields(v, what);

  t.name = name;
  if (!shape->is_array()) fail(what + " has a shape that is not a list");
  for (const Json& d : *shape) {
    uint64_t dim = 0;
    if (!non_negative(d, dim) || dim > uint64_t(INT64_MAX))
      fail(what + " has shape " + dump_json(*shape) + "; dimensions must be non-negative integers");
    t.shape.push_back(int64_t(dim));
  }
  uint64_t count = 0;
  if (!element_count(t.shape, count)) fail(what + " has a shape " + shape_str(t.shape) +
                                           " too large to address");

  uint64_t begin = 0, end = 0;
  if (!offsets->is_array() || offsets->size() != 2 || !non_negative((*offsets)[0], begin) ||
      !non_negative((*offsets)[1], end))
    fail(what + " has data_offsets " + dump_json(*offsets) +
         "; expected [begin, end] with non-negative integers");
  const std::string range = "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
  if (begin > end) fail(what + " has data_offsets " + range + " with begin > end");
  if (end > data_size)
    fail(what + " has data_offsets " + range + " past the end of the " +
         with_commas(data_size) + "-byte data section");
  if (end - begin != 4 * count)
    fail(what + " has shape " + shape_str(t.shape) + " (" + std::to_string(4 * count) +
         " bytes of F32) but data_offsets " + range + " span " + std::to_string(end - begin) +
         " bytes");
  return {begin, end, 0};
}

// The tensors must tile the data section exactly: no overlaps, no gaps, nothing after. Sorts
// `spans` by position.
void check_tiling(std::vector<Span>& spans, const SafeTensors& st, uint64_t data_size) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  const Span* prev = nullptr;
  for (const Span& s : spans) {
    const std::string name = quote(st.tensors[s.index].name);
    if (s.begin < pos)
      fail("tensors " + quote(st.tensors[prev->index].name) + " [" +
           std::to_string(prev->begin) + ", " + std::to_string(prev->end) + ") and " + name +
           " [" + std::to_string(s.begin) + ", " + std::to_string(s.end) + ") overlap");
    if (s.begin > pos)
      fail(std::to_string(s.begin - pos) + " unused bytes before tensor " + name +
           " (data must be contiguous)");
    pos = s.end;
    prev = &s;
  }
  if (pos != data_size)
    fail(with_commas(data_size - pos) + " bytes of unreferenced data after the last tensor");
}

}  // namespace

SafeTensors parse_safetensors(const uint8_t* bytes, size_t n) {
  uint64_t hlen = 0;
  const Json header = read_header(bytes, n, hlen);
  const uint8_t* data = bytes + 8 + hlen;
  const uint64_t data_size = uint64_t(n) - 8 - hlen;

  SafeTensors st;
  std::vector<Span> spans;
  for (const auto& [name, v] : header.items()) {
    if (name == "__metadata__") {
      read_metadata(v, st);
      continue;
    }
    NamedTensor t;
    Span s = read_tensor_entry(name, v, data_size, t);
    s.index = st.tensors.size();
    spans.push_back(s);
    st.tensors.push_back(std::move(t));
  }
  check_tiling(spans, st, data_size);

  // Everything is consistent; the allocations below are bounded by the input size.
  for (const Span& s : spans) {
    NamedTensor& t = st.tensors[s.index];
    const size_t count = size_t((s.end - s.begin) / 4);
    t.data.resize(count);
    const uint8_t* p = data + s.begin;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t u = get_le32(p + 4 * i);
      std::memcpy(&t.data[i], &u, 4);
    }
  }
  return st;
}

SafeTensors load_safetensors(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path, kMaxModelFile, "a model file");
  try {
    return parse_safetensors(bytes.data(), bytes.size());
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("safetensors: ", 0) == 0) msg.erase(0, 13);
    fail("'" + printable(path) + "': " + msg);
  }
}

}  // namespace dae
