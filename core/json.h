// json.h — a small, strict JSON value: parser, writer, and a pleasant builder API.
//
//   Json j = Json::object();
//   j["epoch"] = 3;                          // integers stay exact (int64)
//   j["loss"] = 0.0123;                      // other numbers are doubles
//   j["shape"] = Json::array({1, 28, 28});
//   j["tags"].push_back("mnist");            // null turns into an array on push_back
//   std::string s = j.dump();                // {"epoch":3,"loss":0.0123,"shape":[1,28,28],...}
//   Json k = Json::parse(s);                 // throws dae::Error on malformed input
//   if (const Json* e = k.find("epoch")) int64_t n = e->as_int64();
//
// Parsing is strict RFC 8259: exactly one value, whitespace only around it; no comments,
// trailing commas, NaN/Infinity, leading zeros, single quotes, unescaped control characters or
// invalid UTF-8; \u escapes (including surrogate pairs) become UTF-8, lone surrogates are
// rejected; duplicate object keys are rejected; numbers that overflow a double are rejected;
// nesting is limited (kJsonMaxDepth by default) so hostile input cannot exhaust the stack.
// Errors are dae::Error("json: <problem> at byte <offset>").
//
// Objects keep insertion order (lookup is a linear scan: fine for the small objects this
// project uses). A Json is 16 bytes; strings, arrays and objects live on the heap. As with
// std::vector, inserting into an object or array invalidates references to its elements, so
// write `Json v = j["b"]; j["a"] = v;` rather than `j["a"] = j["b"]` when "a" may be new.
//
// Numbers: an integer literal that fits int64 (and any Json built from an integer type that
// fits) is stored exactly — is_integer() is true and as_int64() returns it bit for bit, which
// matters for byte offsets above 2^53. Everything else is a double.
//
// Writing: dump() is compact (no spaces), dump(indent) pretty-prints. Doubles are written in
// the shortest form that reads back to the same double; NaN and ±infinity, which JSON cannot
// express, are written as null (as JavaScript's JSON.stringify does). Strings are escaped
// as needed (", \, control characters) and otherwise written as UTF-8; bytes that are not
// valid UTF-8 are written as U+FFFD so the output is always valid JSON (use
// json_valid_utf8() first if that must be an error).
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.h"

namespace dae {

constexpr int kJsonMaxDepth = 128;  // default nesting limit for Json::parse

class Json {
 public:
  enum class Type : uint8_t { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Json>;
  using Member = std::pair<std::string, Json>;
  using Object = std::vector<Member>;  // insertion order, keys unique

  // ---- construction ----
  Json() noexcept {}                  // null
  Json(std::nullptr_t) noexcept {}    // null
  Json(bool b) noexcept : type_(Type::Bool) { u_.b = b; }
  Json(double d) noexcept : type_(Type::Number) { u_.d = d; }
  Json(float f) noexcept : Json(double(f)) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          !std::is_same_v<T, char>, int> = 0>
  Json(T v) noexcept : type_(Type::Number) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
      if (v > uint64_t(INT64_MAX)) { u_.d = double(v); return; }
    }
    exact_ = true;
    u_.i = int64_t(v);
  }
  Json(const char* s);
  Json(std::string_view s);
  Json(const std::string& s);
  Json(std::string&& s);
  Json(Array a);
  Json(Object o);
  Json(const void*) = delete;  // catches pointers that would otherwise silently become bool

  static Json array() { return Json(Array{}); }
  static Json array(std::initializer_list<Json> items) { return Json(Array(items)); }
  static Json object() { return Json(Object{}); }
  // Json::object({{"a", 1}, {"b", "x"}}); throws dae::Error on a duplicate key.
  static Json object(std::initializer_list<Member> members);

  Json(const Json& o);
  Json(Json&& o) noexcept;
  Json& operator=(const Json& o);
  Json& operator=(Json&& o) noexcept;
  ~Json();

  // ---- inspection ----
  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_integer() const { return type_ == Type::Number && exact_; }  // exact int64 held
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }
  static const char* type_name(Type t);  // "null", "bool", "number", ...

  // Accessors throw dae::Error("json: expected <type>, got <type>") on a type mismatch.
  bool as_bool() const;
  double as_double() const;  // any number (an int64 converts with rounding above 2^53)
  // An exact integer, or a double with an integral value inside the int64 range; otherwise
  // throws ("json: 2.5 is not an integer").
  int64_t as_int64() const;
  const std::string& as_string() const;
  std::string& as_string();
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  Object& as_object();

  // Number of elements of an array or members of an object; 0 for anything else.
  size_t size() const;
  bool empty() const { return size() == 0; }

  // ---- objects ----
  // Pointer to the member's value, or nullptr if this is not an object or has no such key.
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Mutable access: a null value becomes an empty object; a missing key is appended as null.
  // Throws if this is neither null nor an object.
  Json& operator[](std::string_view key);
  Json& operator[](const char* key) { return (*this)[std::string_view(key)]; }
  // Read-only access: throws dae::Error("json: missing key \"k\"") if absent.
  const Json& operator[](std::string_view key) const { return at(key); }
  const Json& operator[](const char* key) const { return at(std::string_view(key)); }
  const Json& at(std::string_view key) const;
  Json& at(std::string_view key);
  bool erase(std::string_view key);  // true if the key was present

  // ---- arrays ----
  // Bounds-checked element access (throws dae::Error when out of range or not an array).
  const Json& at(size_t i) const;
  Json& at(size_t i);
  // (Templates so that j[0] is not ambiguous with j[const char*].)
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  const Json& operator[](T i) const { return at(index_of(i)); }
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  Json& operator[](T i) { return at(index_of(i)); }
  // Appends; a null value becomes an empty array first. Throws if neither null nor array.
  void push_back(Json v);

  // ---- text ----
  std::string dump() const;            // compact
  std::string dump(int indent) const;  // pretty: newline + `indent` spaces per level
  static Json parse(std::string_view text, int max_depth = kJsonMaxDepth);

  // Structural equality; numbers compare by value (1 == 1.0), objects by members in order.
  friend bool operator==(const Json& a, const Json& b);
  friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

 private:
  template <class T> static size_t index_of(T i) {
    if constexpr (std::is_signed_v<T>) {
      if (i < 0) return SIZE_MAX;  // out of range: at() throws
    }
    if constexpr (sizeof(T) > sizeof(size_t)) {
      if (uint64_t(i) > SIZE_MAX) return SIZE_MAX;
    }
    return size_t(i);
  }
  void destroy() noexcept;
  void copy_from(const Json& o);
  void dump_to(std::string& out, int indent, int level) const;

  Type type_ = Type::Null;
  bool exact_ = false;  // Number holds u_.i (exact int64) rather than u_.d
  union U {
    bool b;
    double d;
    int64_t i;
    std::string* s;
    Array* a;
    Object* o;
  } u_{};
};

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates, or code points > U+10FFFF).
bool json_valid_utf8(std::string_view s);

// Appends `s` to `out` as a quoted, escaped JSON string (invalid UTF-8 becomes U+FFFD).
void json_append_quoted(std::string& out, std::string_view s);

}  // namespace dae
