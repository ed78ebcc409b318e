// json.cpp — see json.h.
#include "json.h"

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

namespace dae {

namespace {

[[noreturn]] void type_error(const char* want, Json::Type got) {
  throw Error(std::string("json: expected ") + want + ", got " + Json::type_name(got));
}

// Length of the well-formed UTF-8 sequence starting at s (n ≥ 1 bytes available), or 0.
size_t utf8_sequence(const unsigned char* s, size_t n) {
  const unsigned c = s[0];
  auto cont = [&](size_t i) { return i < n && (s[i] & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // continuation byte or overlong 2-byte form
  if (c < 0xE0) return cont(1) ? 2 : 0;
  if (c < 0xF0) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && s[1] >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c < 0xF5) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && s[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// The C library's decimal point in the current locale ('.' unless someone called setlocale).
char locale_point() {
  const std::lconv* lc = std::localeconv();
  return (lc && lc->decimal_point && lc->decimal_point[0]) ? lc->decimal_point[0] : '.';
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shortest decimal that reads back as the same double (15, 16 or 17 significant digits for
// normal numbers: any double is recovered from 17, and any ≤15-digit decimal survives a
// round trip, so %.15g is already shortest whenever it round-trips).
void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  const char point = locale_point();
  char buf[40];
  int len = 0;
  // Subnormals carry fewer significant digits, so their shortest form can be shorter still.
  const int first = std::fabs(d) < 2.2250738585072014e-308 ? 1 : 15;
  for (int prec = first; prec <= 17; ++prec) {
    len = std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (prec == 17 || std::strtod(buf, nullptr) == d) break;
  }
  for (int i = 0; i < len; ++i)
    if (buf[i] == point) buf[i] = '.';
  out.append(buf, size_t(len));
}

std::string describe_byte(const char* p, const char* end) {
  if (p >= end) return "end of input";
  const unsigned char c = static_cast<unsigned char>(*p);
  char buf[16];
  if (c >= 0x20 && c < 0x7F)
    std::snprintf(buf, sizeof buf, "'%c'", c);
  else
    std::snprintf(buf, sizeof buf, "byte 0x%02X", c);
  return buf;
}

class Parser {
 public:
  Parser(std::string_view text, int max_depth)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()),
        max_depth_(max_depth) {}

  Json parse_document() {
    Json v = value(0);
    skip_ws();
    if (p_ != end_) fail("unexpected " + describe_byte(p_, end_) + " after the JSON value", p_);
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what, const char* at) const {
    throw Error("json: " + what + " at byte " + std::to_string(at - begin_));
  }
  [[noreturn]] void unexpected(const char* expectation) const {
    if (p_ >= end_) fail(std::string("unexpected end of input, expected ") + expectation, p_);
    fail("unexpected " + describe_byte(p_, end_) + ", expected " + expectation, p_);
  }

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word) {
    const size_t n = std::strlen(word);
    if (size_t(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }

  Json value(int depth) {
    skip_ws();
    if (p_ >= end_) unexpected("a value");
    switch (*p_) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return Json(string());
      case 't': if (literal("true")) return Json(true); break;
      case 'f': if (literal("false")) return Json(false); break;
      case 'n': if (literal("null")) return Json(); break;
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number();
    }
    unexpected("a value");
  }

  void enter(int depth) const {
    if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_), p_);
  }

  Json array(int depth) {
    enter(depth);
    ++p_;  // '['
    Json::Array items;
    skip_ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return Json(std::move(items));
    }
    for (;;) {
      items.push_back(value(depth));
      skip_ws();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == ']') { ++p_; break; }
      unexpected("',' or ']'");
    }
    return Json(std::move(items));
  }

  Json object(int depth) {
    enter(depth);
    ++p_;  // '{'
    Json::Object members;
    std::unordered_set<std::string> seen;  // used once the object is no longer tiny
    constexpr size_t kLinear = 16;
    skip_ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return Json(std::move(members));
    }
    for (;;) {
      skip_ws();
      if (p_ >= end_ || *p_ != '"') unexpected("a string key");
      const char* key_at = p_;
      std::string key = string();
      bool dup = false;
      if (members.size() < kLinear) {
        for (const auto& m : members) dup = dup || m.first == key;
        if (!dup && members.size() + 1 == kLinear)
          for (const auto& m : members) seen.insert(m.first);
        if (!dup && members.size() + 1 == kLinear) seen.insert(key);
      } else {
        dup = !seen.insert(key).second;
      }
      if (dup) {
        std::string shown;
        json_append_quoted(shown, key.size() > 60 ? key.substr(0, 60) + "..." : key);
        fail("duplicate key " + shown, key_at);
      }
      skip_ws();
      if (p_ >= end_ || *p_ != ':') unexpected("':'");
      ++p_;
      Json v = value(depth);
      members.emplace_back(std::move(key), std::move(v));
      skip_ws();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == '}') { ++p_; break; }
      unexpected("',' or '}'");
    }
    return Json(std::move(members));
  }

  unsigned hex4(const char* at) {
    if (end_ - p_ < 4) fail("truncated \\u escape", at);
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else fail("invalid hex digit in \\u escape", p_ - 1);
    }
    return v;
  }

  std::string string() {
    const char* start = p_;
    ++p_;  // opening quote
    std::string out;
    for (;;) {
      // Copy a run of ordinary characters at once.
      const char* run = p_;
      while (p_ < end_) {
        const unsigned char c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20) break;
        if (c < 0x80) { ++p_; continue; }
        const size_t len = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                         size_t(end_ - p_));
        if (len == 0) fail("invalid UTF-8 in string", p_);
        p_ += len;
      }
      out.append(run, p_);
      if (p_ >= end_) fail("unterminated string", start);
      const char c = *p_;
      if (c == '"') { ++p_; return out; }
      if (c != '\\') fail("unescaped control character (" + describe_byte(p_, end_) + ") in string", p_);
      const char* esc = p_++;
      if (p_ >= end_) fail("unterminated string", start);
      switch (*p_++) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4(esc);
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate in \\u escape", esc);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
              fail("high surrogate not followed by a low surrogate", esc);
            const char* esc2 = p_;
            p_ += 2;
            const uint32_t lo = hex4(esc2);
            if (lo < 0xDC00 || lo > 0xDFFF)
              fail("high surrogate not followed by a low surrogate", esc2);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("invalid escape \\" + std::string(1, p_[-1]) + " in string", esc);
      }
    }
  }

  Json number() {
    const char* start = p_;
    auto digits = [&] {
      const char* d = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ > d;
    };
    bool negative = false;
    if (*p_ == '-') { negative = true; ++p_; }
    if (p_ < end_ && *p_ == '0') {
      ++p_;
      if (p_ < end_ && *p_ >= '0' && *p_ <= '9') fail("leading zero in number", start);
    } else if (!digits()) {
      unexpected("a digit");
    }
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) unexpected("a digit after '.'");
      integral = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) unexpected("a digit in the exponent");
      integral = false;
    }
    if (integral) {
      // Exact int64 when it fits.
      uint64_t mag = 0;
      bool fits = true;
      const uint64_t limit = negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
      for (const char* q = start + (negative ? 1 : 0); q < p_; ++q) {
        const unsigned d = unsigned(*q - '0');
        if (mag > (limit - d) / 10) { fits = false; break; }
        mag = mag * 10 + d;
      }
      if (fits) {
        if (!negative) return Json(int64_t(mag));
        return Json(mag == uint64_t(INT64_MAX) + 1 ? INT64_MIN : -int64_t(mag));
      }
    }
    std::string text(start, p_);
    const char point = locale_point();
    if (point != '.')
      for (char& ch : text)
        if (ch == '.') ch = point;
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) fail("number out of range", start);
    return Json(d);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  int max_depth_;
};

void append_indent(std::string& out, int indent, int level) {
  out += '\n';
  out.append(size_t(indent) * size_t(level), ' ');
}

}  // namespace

// ---- free helpers -----------------------------------------------------------------------

bool json_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    const size_t len = utf8_sequence(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void json_append_quoted(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const size_t len = utf8_sequence(p + i, n - i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD for each byte that is not valid UTF-8
        ++i;
      } else {
        out.append(reinterpret_cast<const char*>(p + i), len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += char(c);
        }
    }
    ++i;
  }
  out += '"';
}

// ---- construction / lifetime --------------------------------------------------------------

Json::Json(const char* s) : Json(std::string(s ? s : "")) {}
Json::Json(std::string_view s) : Json(std::string(s)) {}
Json::Json(const std::string& s) : type_(Type::String) { u_.s = new std::string(s); }
Json::Json(std::string&& s) : type_(Type::String) { u_.s = new std::string(std::move(s)); }
Json::Json(Array a) : type_(Type::Array) { u_.a = new Array(std::move(a)); }
Json::Json(Object o) : type_(Type::Object) { u_.o = new Object(std::move(o)); }

Json Json::object(std::initializer_list<Member> members) {
  Json j = object();
  for (const auto& m : members) {
    if (j.find(m.first)) throw Error("json: duplicate key \"" + m.first + "\" in Json::object");
    j.u_.o->push_back(m);
  }
  return j;
}

void Json::destroy() noexcept {
  switch (type_) {
    case Type::String: delete u_.s; break;
    case Type::Array: delete u_.a; break;
    case Type::Object: delete u_.o; break;
    default: break;
  }
  type_ = Type::Null;
  exact_ = false;
  u_.i = 0;
}

void Json::copy_from(const Json& o) {
  // Allocate first: if that throws, *this is still a valid null.
  switch (o.type_) {
    case Type::String: u_.s = new std::string(*o.u_.s); break;
    case Type::Array: u_.a = new Array(*o.u_.a); break;
    case Type::Object: u_.o = new Object(*o.u_.o); break;
    default: u_ = o.u_; break;
  }
  type_ = o.type_;
  exact_ = o.exact_;
}

Json::Json(const Json& o) { copy_from(o); }
Json::Json(Json&& o) noexcept : type_(o.type_), exact_(o.exact_), u_(o.u_) {
  o.type_ = Type::Null;
  o.exact_ = false;
  o.u_.i = 0;
}
Json& Json::operator=(const Json& o) {
  if (this != &o) {
    Json tmp(o);  // o may live inside *this: copy before destroying anything
    *this = std::move(tmp);
  }
  return *this;
}
Json& Json::operator=(Json&& o) noexcept {
  if (this != &o) {
    Json tmp(std::move(o));  // o may live inside *this: detach it first
    destroy();
    type_ = tmp.type_;
    exact_ = tmp.exact_;
    u_ = tmp.u_;
    tmp.type_ = Type::Null;
    tmp.exact_ = false;
  }
  return *this;
}
Json::~Json() { destroy(); }

// ---- inspection ----------------------------------------------------------------------------

const char* Json::type_name(Type t) {
  switch (t) {
    case Type::Null: return "null";
    case Type::Bool: return "bool";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

bool Json::as_bool() const {
  if (type_ != Type::Bool) type_error("bool", type_);
  return u_.b;
}
double Json::as_double() const {
  if (type_ != Type::Number) type_error("number", type_);
  return exact_ ? double(u_.i) : u_.d;
}
int64_t Json::as_int64() const {
  if (type_ != Type::Number) type_error("number", type_);
  if (exact_) return u_.i;
  const double d = u_.d;
  if (std::isfinite(d) && d == std::floor(d) && d >= -9223372036854775808.0 &&
      d < 9223372036854775808.0)
    return int64_t(d);
  std::string shown;
  append_double(shown, d);
  throw Error("json: " + shown + " is not an integer in the int64 range");
}
const std::string& Json::as_string() const {
  if (type_ != Type::String) type_error("string", type_);
  return *u_.s;
}
std::string& Json::as_string() {
  if (type_ != Type::String) type_error("string", type_);
  return *u_.s;
}
const Json::Array& Json::as_array() const {
  if (type_ != Type::Array) type_error("array", type_);
  return *u_.a;
}
Json::Array& Json::as_array() {
  if (type_ != Type::Array) type_error("array", type_);
  return *u_.a;
}
const Json::Object& Json::as_object() const {
  if (type_ != Type::Object) type_error("object", type_);
  return *u_.o;
}
Json::Object& Json::as_object() {
  if (type_ != Type::Object) type_error("object", type_);
  return *u_.o;
}

size_t Json::size() const {
  if (type_ == Type::Array) return u_.a->size();
  if (type_ == Type::Object) return u_.o->size();
  return 0;
}

// ---- objects -------------------------------------------------------------------------------

const Json* Json::find(std::string_view key) const {
  if (type_ != Type::Object) return nullptr;
  for (const auto& m : *u_.o)
    if (m.first == key) return &m.second;
  return nullptr;
}
Json* Json::find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json*>(this)->find(key));
}

Json& Json::operator[](std::string_view key) {
  if (type_ == Type::Null) *this = object();
  if (type_ != Type::Object) type_error("object", type_);
  if (Json* v = find(key)) return *v;
  u_.o->emplace_back(std::string(key), Json());
  return u_.o->back().second;
}

const Json& Json::at(std::string_view key) const {
  if (type_ != Type::Object) type_error("object", type_);
  if (const Json* v = find(key)) return *v;
  std::string shown;
  json_append_quoted(shown, key);
  throw Error("json: missing key " + shown);
}
Json& Json::at(std::string_view key) {
  return const_cast<Json&>(static_cast<const Json*>(this)->at(key));
}

bool Json::erase(std::string_view key) {
  if (type_ != Type::Object) return false;
  for (auto it = u_.o->begin(); it != u_.o->end(); ++it) {
    if (it->first == key) {
      u_.o->erase(it);
      return true;
    }
  }
  return false;
}

// ---- arrays --------------------------------------------------------------------------------

const Json& Json::at(size_t i) const {
  if (type_ != Type::Array) type_error("array", type_);
  if (i >= u_.a->size())
    throw Error("json: index " + (i == SIZE_MAX ? std::string("(negative)") : std::to_string(i)) +
                " out of range for an array of " + std::to_string(u_.a->size()));
  return (*u_.a)[i];
}
Json& Json::at(size_t i) {
  return const_cast<Json&>(static_cast<const Json*>(this)->at(i));
}

void Json::push_back(Json v) {
  if (type_ == Type::Null) *this = array();
  if (type_ != Type::Array) type_error("array", type_);
  u_.a->push_back(std::move(v));
}

// ---- text ----------------------------------------------------------------------------------

void Json::dump_to(std::string& out, int indent, int level) const {
  switch (type_) {
    case Type::Null: out += "null"; return;
    case Type::Bool: out += u_.b ? "true" : "false"; return;
    case Type::Number:
      if (exact_) append_int(out, u_.i);
      else append_double(out, u_.d);
      return;
    case Type::String: json_append_quoted(out, *u_.s); return;
    case Type::Array: {
      out += '[';
      bool first = true;
      for (const Json& v : *u_.a) {
        if (!first) out += ',';
        first = false;
        if (indent >= 0) append_indent(out, indent, level + 1);
        v.dump_to(out, indent, level + 1);
      }
      if (indent >= 0 && !first) append_indent(out, indent, level);
      out += ']';
      return;
    }
    case Type::Object: {
      out += '{';
      bool first = true;
      for (const Member& m : *u_.o) {
        if (!first) out += ',';
        first = false;
        if (indent >= 0) append_indent(out, indent, level + 1);
        json_append_quoted(out, m.first);
        out += indent >= 0 ? ": " : ":";
        m.second.dump_to(out, indent, level + 1);
      }
      if (indent >= 0 && !first) append_indent(out, indent, level);
      out += '}';
      return;
    }
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out, -1, 0);
  return out;
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent < 0 ? -1 : indent, 0);
  return out;
}

Json Json::parse(std::string_view text, int max_depth) {
  return Parser(text, max_depth).parse_document();
}

bool operator==(const Json& a, const Json& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::Null: return true;
    case Json::Type::Bool: return a.u_.b == b.u_.b;
    case Json::Type::Number:
      if (a.exact_ && b.exact_) return a.u_.i == b.u_.i;
      return a.as_double() == b.as_double();
    case Json::Type::String: return *a.u_.s == *b.u_.s;
    case Json::Type::Array: return *a.u_.a == *b.u_.a;
    case Json::Type::Object: return *a.u_.o == *b.u_.o;
  }
  return false;
}

}  // namespace dae
