// json.h — JSON values are nlohmann::ordered_json (Debian's nlohmann-json3-dev, header-only);
// this header adds the project's strictness on top of it, in one place.
//
//   Json j = Json::object();
//   j["epoch"] = 3;                          // integers stay exact (int64 / uint64)
//   j["shape"] = Json::array({1, 28, 28});
//   std::string s = dump_json(j);            // compact; never throws (see below)
//   Json k = parse_json(s);                  // strict; throws dae::Error on malformed input
//   if (const Json* e = json_find(k, "epoch")) int64_t n = json_int(*e, "epoch", 0, 100);
//
// parse_json is RFC 8259 as nlohmann reads it (one value, no comments, no trailing commas,
// no NaN, valid UTF-8, no lone surrogates, no unescaped control characters) plus what the
// library lets through: duplicate object keys are rejected (nlohmann keeps the last),
// nesting is limited (hostile input cannot exhaust the stack) and numbers that overflow a
// double are rejected. Errors read "json: <problem> at byte <offset>". Never call
// Json::parse directly: it has none of these checks.
//
// The typed readers (json_int, json_number, json_string, json_bool, json_at) throw
// dae::Error naming the key and the accepted range, never nlohmann's exceptions — so a
// bad value in a model file or a saved session reads "config: epochs must be an integer in
// 1..10000", not "[json.exception.type_error.302] …".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/common.h"

namespace dae {

using Json = nlohmann::ordered_json;

constexpr int kJsonMaxDepth = 128;  // default nesting limit for parse_json

// Strict parse (see above). Throws dae::Error("json: … at byte N").
Json parse_json(std::string_view text, int max_depth = kJsonMaxDepth);

// Text of a value: compact (indent < 0) or pretty. Strings that are not valid UTF-8 are
// written with U+FFFD in place of the bad bytes, NaN and ±infinity as null (as JavaScript's
// JSON.stringify does), so the output is always valid JSON and this never throws.
std::string dump_json(const Json& j, int indent = -1);

// The member `key` of an object, or nullptr (also when `obj` is not an object).
const Json* json_find(const Json& obj, std::string_view key);
// The member `key`; throws dae::Error("<ctx>: missing \"key\"") if `obj` has none.
const Json& json_at(const Json& obj, std::string_view key, std::string_view ctx);

// Typed reads; `what` names the value in the message ("epochs", "config.seed", …).
// json_int accepts an integer, or a number with an integral value, within [lo, hi].
int64_t json_int(const Json& v, std::string_view what, int64_t lo, int64_t hi);
double json_number(const Json& v, std::string_view what);  // any finite number
const std::string& json_string(const Json& v, std::string_view what);
bool json_bool(const Json& v, std::string_view what);

// "an array", "a number", "null", … (for messages).
std::string json_kind(const Json& v);

}  // namespace dae
