// json.cpp — the strict parser (nlohmann's SAX interface + a checking document builder) and
// the typed readers. See json.h.
#include "formats/json.h"

#include <cmath>
#include <iterator>
#include <memory>
#include <unordered_set>
#include <vector>

namespace dae {
namespace {

// A char iterator that counts how far the parser has read, so errors found while building
// the document (a duplicate key, too deep) can name a byte offset like nlohmann's own errors.
struct CountingIt {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p;
  size_t* read;
  reference operator*() const { return *p; }
  CountingIt& operator++() { ++p; ++*read; return *this; }
  CountingIt operator++(int) { CountingIt t = *this; ++*this; return t; }
  bool operator==(const CountingIt& o) const { return p == o.p; }
  bool operator!=(const CountingIt& o) const { return p != o.p; }
};

// Builds the document from SAX events, checking what nlohmann does not.
class Builder {
 public:
  Builder(int max_depth, const size_t* read) : max_depth_(max_depth), read_(read) {}
  Json result;
  std::string error;  // set when a check failed (the parse then stops)

  bool null() { return put(Json()); }
  bool boolean(bool v) { return put(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return put(Json(v)); }
  bool number_float(Json::number_float_t v, const std::string& text) {
    if (!std::isfinite(v)) return fail("number " + text + " is out of range");
    return put(Json(v));
  }
  bool string(std::string& v) { return put(Json(std::move(v))); }
  bool binary(Json::binary_t&) { return fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return open(Json::object()); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool key(std::string& k) {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second) return fail("duplicate key " + dump_json(Json(k)));
    key_ = std::move(k);
    return true;
  }
  bool end_object() { stack_.pop_back(); return true; }
  bool end_array() { stack_.pop_back(); return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while
    // parsing value - invalid literal; last read: 'tru'" → "syntax error while parsing value -
    // invalid literal; last read: 'tru' at byte 5"
    std::string msg = ex.what();
    if (msg.rfind("[json.exception.", 0) == 0 && msg.find("] ") != std::string::npos) msg.erase(0, msg.find("] ") + 2);
    if (msg.rfind("parse error at line ", 0) == 0 && msg.find(": ") != std::string::npos) msg.erase(0, msg.find(": ") + 2);
    if (msg.rfind("number overflow", 0) == 0) msg = "number out of range (" + msg + ")";
    if (msg.find("ill-formed UTF-8") != std::string::npos) msg = "invalid UTF-8 in a string (" + msg + ")";
    error = printable(msg, 300) + " at byte " + std::to_string(position);
    return false;
  }

 private:
  struct Frame {
    Json* value;
    std::unordered_set<std::string> keys;  // of an object: duplicates in O(1), not a scan
  };
  bool fail(const std::string& what) {
    error = what + " at byte " + std::to_string(*read_);
    return false;
  }
  // Where the next value goes: the root, the end of the open array, or the pending key.
  Json* slot() {
    if (stack_.empty()) return &result;
    Json& top = *stack_.back().value;
    if (top.is_array()) {
      top.push_back(Json());
      return &top.back();
    }
    return &top[key_];
  }
  bool put(Json v) {
    *slot() = std::move(v);
    return true;
  }
  bool open(Json empty) {
    if (int(stack_.size()) >= max_depth_)
      return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    Json* s = slot();
    *s = std::move(empty);
    stack_.push_back({s, {}});
    return true;
  }

  int max_depth_;
  const size_t* read_;
  std::vector<Frame> stack_;  // open containers; pointers stay valid while a child is open
  std::string key_;
};

}  // namespace

Json parse_json(std::string_view text, int max_depth) {
  // nlohmann stops at a NUL byte as if the input ended there; in JSON a raw NUL is never valid
  // (inside a string it must be written \u0000).
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw Error("json: NUL byte at byte " + std::to_string(nul));
  size_t read = 0;
  Builder b(max_depth, &read);
  const CountingIt first{text.data(), &read}, last{text.data() + text.size(), &read};
  bool ok = false;
  try {
    ok = Json::sax_parse(first, last, &b);
  } catch (const std::bad_alloc&) {
    throw Error("json: document of " + std::to_string(text.size()) + " bytes does not fit in memory");
  }
  if (!ok || !b.error.empty()) throw Error("json: " + (b.error.empty() ? std::string("malformed") : b.error));
  return std::move(b.result);
}

std::string dump_json(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

const Json* json_find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

const Json& json_at(const Json& obj, std::string_view key, std::string_view ctx) {
  if (const Json* v = json_find(obj, key)) return *v;
  throw Error(std::string(ctx) + ": missing \"" + std::string(key) + "\"");
}

std::string json_kind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "a binary value";
  }
}

int64_t json_int(const Json& v, std::string_view what, int64_t lo, int64_t hi) {
  auto bad = [&]() -> Error {
    return Error(std::string(what) + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                 ", got " + dump_json(v).substr(0, 40));
  };
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();  // (parsed non-negative integers land here: check lo too)
    if (hi < 0 || u > uint64_t(hi) || (lo > 0 && u < uint64_t(lo))) throw bad();
    return int64_t(u);
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < lo || i > hi) throw bad();
    return i;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 is exact as a double; anything at or beyond it does not fit.
    if (!(d == std::floor(d)) || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) throw bad();
    const int64_t i = int64_t(d);
    if (i < lo || i > hi) throw bad();
    return i;
  }
  throw bad();
}

double json_number(const Json& v, std::string_view what) {
  if (!v.is_number()) throw Error(std::string(what) + " must be a number, got " + json_kind(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) throw Error(std::string(what) + " must be a finite number");
  return d;
}

const std::string& json_string(const Json& v, std::string_view what) {
  if (!v.is_string()) throw Error(std::string(what) + " must be a string, got " + json_kind(v));
  return v.get_ref<const std::string&>();
}

bool json_bool(const Json& v, std::string_view what) {
  if (!v.is_boolean()) throw Error(std::string(what) + " must be true or false, got " + json_kind(v));
  return v.get<bool>();
}

}  // namespace dae
