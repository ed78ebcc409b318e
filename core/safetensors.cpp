// safetensors.cpp — see safetensors.h.
#include "safetensors.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <set>
#include <string_view>

#include "common.h"
#include "json.h"

#if defined(__unix__) || defined(__APPLE__) || defined(__EMSCRIPTEN__)
#include <unistd.h>
#define DAE_HAVE_UNISTD 1
#endif

namespace dae {

const NamedTensor* SafeTensors::find(const std::string& name) const {
  for (const NamedTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

[[noreturn]] void fail(const std::string& msg) { throw Error("safetensors: " + msg); }

// 74880 → "74,880"
std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

// A name as it appears in messages: JSON-quoted, shortened if very long.
std::string quoted(std::string_view s) {
  std::string out;
  if (s.size() > 80) {
    json_append_quoted(out, std::string(s.substr(0, 80)) + "...");
  } else {
    json_append_quoted(out, s);
  }
  return out;
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

void put_u32le(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}
uint32_t get_u32le(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
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

// "an array", "a number", "null", ... for messages.
std::string a_type(const Json& v) {
  const std::string t = Json::type_name(v.type());
  if (v.is_null()) return t;
  return (t[0] == 'a' || t[0] == 'o' ? "an " : "a ") + t;
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
      if (!json_valid_utf8(k) || !json_valid_utf8(v))
        fail("metadata key or value " + quoted(k) + " is not valid UTF-8");
      md.as_object().emplace_back(k, Json(v));
    }
    header.as_object().emplace_back("__metadata__", std::move(md));
  }

  std::set<std::string_view> names;
  uint64_t offset = 0;
  for (const NamedTensor& t : st.tensors) {
    if (t.name == "__metadata__") fail("a tensor cannot be named \"__metadata__\"");
    if (!json_valid_utf8(t.name)) fail("tensor name " + quoted(t.name) + " is not valid UTF-8");
    if (!names.insert(t.name).second) fail("duplicate tensor name " + quoted(t.name));
    uint64_t count = 0;
    if (!element_count(t.shape, count))
      fail("tensor " + quoted(t.name) + " has an invalid shape " + shape_str(t.shape));
    if (count != t.data.size())
      fail("tensor " + quoted(t.name) + " has shape " + shape_str(t.shape) + " (" +
           std::to_string(count) + " values) but " + std::to_string(t.data.size()) + " values");
    Json shape = Json::array();
    for (int64_t d : t.shape) shape.push_back(d);
    Json entry = Json::object();
    entry.as_object().emplace_back("dtype", Json("F32"));
    entry.as_object().emplace_back("shape", std::move(shape));
    entry.as_object().emplace_back("data_offsets", Json::array({offset, offset + 4 * count}));
    header.as_object().emplace_back(t.name, std::move(entry));
    offset += 4 * count;
  }

  std::string text = header.dump();
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
      put_u32le(p, u);
      p += 4;
    }
  }
  return out;
}

void save_safetensors(const std::string& path, const SafeTensors& st) {
  const std::vector<uint8_t> bytes = safetensors_bytes(st);  // validate before touching disk

  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp";
#ifdef DAE_HAVE_UNISTD
  tmp += "." + std::to_string(long(getpid()));
#endif
  tmp += "." + std::to_string(counter++);

  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail("cannot create '" + tmp + "': " + std::strerror(errno));
  bool ok = bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int err = ok ? 0 : errno;
  if (std::fflush(f) != 0 && ok) { ok = false; err = errno; }
#ifdef DAE_HAVE_UNISTD
  if (ok) (void)fsync(fileno(f));  // best effort: data on disk before the rename
#endif
  if (std::fclose(f) != 0 && ok) { ok = false; err = errno; }
  if (!ok) {
    std::remove(tmp.c_str());
    fail("cannot write '" + tmp + "': " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    std::remove(tmp.c_str());
    fail("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(err));
  }
}

// ---- reading -------------------------------------------------------------------------------

SafeTensors parse_safetensors(const uint8_t* bytes, size_t n) {
  if (n < 8)
    fail("file is " + std::to_string(n) + " bytes, too short for the 8-byte header length");
  uint64_t hlen = 0;
  for (int i = 0; i < 8; ++i) hlen |= uint64_t(bytes[i]) << (8 * i);
  if (hlen > uint64_t(n) - 8)
    fail("header length " + with_commas(hlen) + " exceeds file size " + with_commas(n));
  if (hlen > kMaxSafetensorsHeader)
    fail("header length " + with_commas(hlen) + " exceeds the limit of " +
         with_commas(kMaxSafetensorsHeader));

  Json header;
  try {
    header = Json::parse(std::string_view(reinterpret_cast<const char*>(bytes + 8), size_t(hlen)),
                         /*max_depth=*/16);
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("json: ", 0) == 0) msg.erase(0, 6);
    fail("invalid header JSON: " + msg);
  } catch (const std::bad_alloc&) {
    fail("header of " + with_commas(hlen) + " bytes is too large to parse in memory");
  }
  if (!header.is_object()) fail("header is " + a_type(header) + ", not a JSON object");

  const uint8_t* data = bytes + 8 + hlen;
  const uint64_t data_size = uint64_t(n) - 8 - hlen;

  SafeTensors st;
  std::vector<Span> spans;
  for (const Json::Member& m : header.as_object()) {
    const std::string& name = m.first;
    const Json& v = m.second;
    if (name == "__metadata__") {
      if (v.is_null()) continue;
      if (!v.is_object())
        fail("__metadata__ is " + a_type(v) + ", not an object");
      for (const Json::Member& kv : v.as_object()) {
        if (!kv.second.is_string())
          fail("__metadata__ value for " + quoted(kv.first) + " is " + a_type(kv.second) +
               ", not a string");
        st.metadata[kv.first] = kv.second.as_string();
      }
      continue;
    }
    const std::string what = "tensor " + quoted(name);
    if (!v.is_object()) fail(what + " is described by " + a_type(v) + ", not an object");
    for (const Json::Member& field : v.as_object())
      if (field.first != "dtype" && field.first != "shape" && field.first != "data_offsets")
        fail(what + " has an unexpected field " + quoted(field.first));
    const Json* dtype = v.find("dtype");
    const Json* shape = v.find("shape");
    const Json* offsets = v.find("data_offsets");
    if (!dtype) fail(what + " has no \"dtype\"");
    if (!shape) fail(what + " has no \"shape\"");
    if (!offsets) fail(what + " has no \"data_offsets\"");

    if (!dtype->is_string()) fail(what + " has a dtype that is not a string");
    const std::string& dt = dtype->as_string();
    if (dt != "F32") {
      if (known_dtype(dt)) fail(what + " has dtype " + dt + "; only F32 is supported");
      fail(what + " has unknown dtype " + quoted(dt));
    }

    NamedTensor t;
    t.name = name;
    if (!shape->is_array()) fail(what + " has a shape that is not a list");
    for (const Json& d : shape->as_array()) {
      if (!d.is_integer() || d.as_int64() < 0)
        fail(what + " has shape " + shape->dump() + "; dimensions must be non-negative integers");
      t.shape.push_back(d.as_int64());
    }
    uint64_t count = 0;
    if (!element_count(t.shape, count)) fail(what + " has a shape " + shape_str(t.shape) +
                                             " too large to address");

    if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_integer() ||
        !(*offsets)[1].is_integer() || (*offsets)[0].as_int64() < 0 ||
        (*offsets)[1].as_int64() < 0)
      fail(what + " has data_offsets " + offsets->dump() +
           "; expected [begin, end] with non-negative integers");
    const uint64_t begin = uint64_t((*offsets)[0].as_int64());
    const uint64_t end = uint64_t((*offsets)[1].as_int64());
    const std::string range = "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
    if (begin > end) fail(what + " has data_offsets " + range + " with begin > end");
    if (end > data_size)
      fail(what + " has data_offsets " + range + " past the end of the " +
           with_commas(data_size) + "-byte data section");
    if (end - begin != 4 * count)
      fail(what + " has shape " + shape_str(t.shape) + " (" + std::to_string(4 * count) +
           " bytes of F32) but data_offsets " + range + " span " + std::to_string(end - begin) +
           " bytes");
    spans.push_back({begin, end, st.tensors.size()});
    st.tensors.push_back(std::move(t));
  }

  // The tensors must tile the data section exactly: no overlaps, no gaps, nothing after.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  const Span* prev = nullptr;
  for (const Span& s : spans) {
    const std::string name = quoted(st.tensors[s.index].name);
    if (s.begin < pos)
      fail("tensors " + quoted(st.tensors[prev->index].name) + " [" +
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

  // Everything is consistent; the allocations below are bounded by the input size.
  for (const Span& s : spans) {
    NamedTensor& t = st.tensors[s.index];
    const size_t count = size_t((s.end - s.begin) / 4);
    t.data.resize(count);
    const uint8_t* p = data + s.begin;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t u = get_u32le(p + 4 * i);
      std::memcpy(&t.data[i], &u, 4);
    }
  }
  return st;
}

SafeTensors load_safetensors(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("cannot open '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  std::string problem;
  // Read a first byte before trusting the size: a directory opens fine on Linux but fails
  // here (EISDIR), where ftell would report a meaningless size.
  uint8_t first = 0;
  const size_t got = std::fread(&first, 1, 1, f);
  if (got == 0 && std::ferror(f)) problem = std::strerror(errno);
  long size = -1;
  if (problem.empty()) {
    if (std::fseek(f, 0, SEEK_END) != 0 || (size = std::ftell(f)) < 0 ||
        std::fseek(f, 0, SEEK_SET) != 0)
      problem = std::strerror(errno);
  }
  if (problem.empty()) {
    try {
      bytes.resize(size_t(size));
    } catch (const std::bad_alloc&) {
      problem = "file of " + with_commas(uint64_t(size)) + " bytes does not fit in memory";
    }
  }
  if (problem.empty() && !bytes.empty() &&
      std::fread(bytes.data(), 1, bytes.size(), f) != bytes.size())
    problem = std::ferror(f) ? std::strerror(errno) : "file changed size while being read";
  std::fclose(f);
  if (!problem.empty()) fail("cannot read '" + path + "': " + problem);
  try {
    return parse_safetensors(bytes.data(), bytes.size());
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("safetensors: ", 0) == 0) msg.erase(0, 13);
    fail("'" + path + "': " + msg);
  }
}

}  // namespace dae
