// Tests for core/json: nlohmann-json with the project's strictness on top — what parse_json
// refuses (and where), exact integers, dump_json never throwing, and the typed readers' messages.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "base/common.h"
#include "formats/json.h"
#include "test_util.h"

using dae::Json;
using dae::parse_json;
using dae_test::error_of;

TEST(Json, ParsesValidDocuments) {
  const Json j = parse_json(R"({"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00"],"b":{"c":"\n"}})");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["a"].size(), 5u);
  EXPECT_EQ(j["a"][1].get<double>(), -2500.0);
  EXPECT_EQ(j["a"][4].get<std::string>(), "x\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(j["b"]["c"].get<std::string>(), "\n");
  // Insertion order is kept (ordered_json): the dump reads back the same text.
  EXPECT_EQ(dae::dump_json(parse_json(R"({"z":1,"a":2,"m":[3]})")), R"({"z":1,"a":2,"m":[3]})");
}

TEST(Json, MalformedInputIsRejectedWithOffset) {
  struct Case { std::string text, needle; };
  const Case cases[] = {
      {"", "at byte"},
      {"[1,]", "at byte 4"},
      {"[1 2]", "at byte 4"},
      {"{\"a\" 1}", "at byte"},
      {"{a:1}", "at byte 2"},
      {"01", "at byte"},
      {"1.", "at byte"},
      {"NaN", "at byte"},
      {"Infinity", "at byte"},
      {"nulll", "at byte"},
      {"[] []", "at byte"},
      {"// c\n1", "at byte"},
      {"\"a\x01\"", "control character"},
      {"\"\\x\"", "at byte"},
      {"\"\\udc00\"", "surrogate"},
      {"\"\\ud800\"", "surrogate"},
      {"\"\xFF\"", "UTF-8"},
      {"\"ab\xC0\xAF\"", "UTF-8"},
      {"\"\xED\xA0\x80\"", "UTF-8"},
      {"1e400", "out of range"},
      {"[-1e400]", "out of range"},
      {"{\"a\":1,\"a\":2}", "duplicate key \"a\" at byte"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of([&] { parse_json(c.text); });
    EXPECT_EQ(msg.rfind("json: ", 0), 0u) << "input: " << c.text << "\nmessage: " << msg;
    EXPECT_NE(msg.find(c.needle), std::string::npos) << "input: " << c.text << "\nmessage: " << msg;
    EXPECT_EQ(msg.find("[json.exception"), std::string::npos) << msg;  // nlohmann's prefix is removed
  }
}

TEST(Json, DuplicateKeysAnywhere) {
  std::string text = "{";
  for (int i = 0; i < 5000; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(parse_json(text.substr(0, text.size() - 1) + "}").size(), 5000u);
  EXPECT_ERROR_HAS(parse_json(text + "\"k3\":0}"), "duplicate key \"k3\"");
  EXPECT_ERROR_HAS(parse_json(text + "\"k4999\":0}"), "duplicate key \"k4999\"");
  // In nested objects; the same key in sibling objects is fine.
  EXPECT_ERROR_HAS(parse_json(R"({"x":{"b":1,"b":2}})"), "duplicate key \"b\"");
  EXPECT_NO_THROW(parse_json(R"({"x":{"b":1},"y":{"b":2}})"));
  // The offset points at the duplicate, not the start.
  const std::string msg = error_of([] { parse_json(R"({"aaaa":1,"aaaa":2})"); });
  const size_t at = msg.find("at byte ");
  ASSERT_NE(at, std::string::npos) << msg;
  const int offset = std::stoi(msg.substr(at + 8));
  EXPECT_GE(offset, 11);
  EXPECT_LE(offset, 18);
}

TEST(Json, DepthLimit) {
  auto nested = [](int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); };
  EXPECT_NO_THROW(parse_json(nested(dae::kJsonMaxDepth)));
  EXPECT_ERROR_HAS(parse_json(nested(dae::kJsonMaxDepth + 1)), "nesting deeper than 128");
  EXPECT_ERROR_HAS(parse_json(std::string(1000000, '[')), "nesting deeper than 128");
  std::string objects;
  for (int i = 0; i < 200; ++i) objects += "{\"a\":";
  EXPECT_ERROR_HAS(parse_json(objects), "nesting deeper");
  EXPECT_ERROR_HAS(parse_json("[[[1]]]", 2), "nesting deeper than 2");
  EXPECT_NO_THROW(parse_json("[[[1]]]", 3));
}

TEST(Json, IntegersAreExact) {
  const Json j = parse_json("[9007199254740993, -9223372036854775808, 18446744073709551615, 12345678901234567]");
  EXPECT_EQ(j[0].get<int64_t>(), 9007199254740993LL);  // 2^53 + 1: not representable as a double
  EXPECT_EQ(j[1].get<int64_t>(), INT64_MIN);
  EXPECT_EQ(j[2].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(dae::dump_json(j), "[9007199254740993,-9223372036854775808,18446744073709551615,12345678901234567]");
}

TEST(Json, DumpNeverThrows) {
  Json j = Json::object();
  j["bad"] = std::string("a\xFF" "b");  // not UTF-8
  j["nan"] = std::nan("");
  j["inf"] = HUGE_VAL;
  j["ctl"] = std::string("\x01\n", 2);
  const std::string text = dae::dump_json(j);
  EXPECT_EQ(text, "{\"bad\":\"a\xEF\xBF\xBD" "b\",\"nan\":null,\"inf\":null,\"ctl\":\"\\u0001\\n\"}");
  EXPECT_NO_THROW(parse_json(text));
}

TEST(Json, TypedReadersNameTheKeyAndRange) {
  EXPECT_EQ(dae::json_int(Json(7), "epochs", 1, 10), 7);
  EXPECT_EQ(dae::json_int(Json(7.0), "epochs", 1, 10), 7);  // an integral double is an integer
  EXPECT_EQ(dae::json_int(Json(uint64_t(9)), "epochs", 1, 10), 9);
  EXPECT_ERROR_HAS(dae::json_int(Json(0), "epochs", 1, 10), "epochs must be an integer in 1..10, got 0");
  // A parsed 0 is stored unsigned: the lower bound holds for it too.
  EXPECT_ERROR_HAS(dae::json_int(dae::parse_json("0"), "epochs", 1, 10), "epochs must be an integer in 1..10, got 0");
  EXPECT_ERROR_HAS(dae::json_int(Json(uint64_t(0)), "epochs", 1, 10), "epochs must be an integer in 1..10, got 0");
  EXPECT_ERROR_HAS(dae::json_int(Json(2.5), "epochs", 1, 10), "epochs must be an integer in 1..10, got 2.5");
  EXPECT_ERROR_HAS(dae::json_int(Json(1e30), "val", 0, 100), "val must be an integer in 0..100");
  EXPECT_ERROR_HAS(dae::json_int(Json(-1), "seed", 0, 100), "seed must be an integer in 0..100, got -1");
  EXPECT_ERROR_HAS(dae::json_int(Json(UINT64_MAX), "seed", 0, 100), "seed must be an integer");
  EXPECT_ERROR_HAS(dae::json_int(Json("7"), "epochs", 1, 10), "epochs must be an integer");
  EXPECT_ERROR_HAS(dae::json_number(Json("x"), "lr"), "lr must be a number, got a string");
  EXPECT_ERROR_HAS(dae::json_string(Json(1), "arch"), "arch must be a string, got a number");
  EXPECT_ERROR_HAS(dae::json_bool(Json(1), "fresh_noise"), "fresh_noise must be true or false");
  EXPECT_ERROR_HAS(dae::json_at(parse_json("{}"), "runs", "saved session"), "saved session: missing \"runs\"");
  EXPECT_EQ(dae::json_find(Json(3), "a"), nullptr);
  EXPECT_EQ(dae::json_find(parse_json(R"({"a":1})"), "b"), nullptr);
  ASSERT_NE(dae::json_find(parse_json(R"({"a":1})"), "a"), nullptr);
}

TEST(Json, RandomGarbageNeverCrashes) {
  // Mutations of a valid document: parse either succeeds (and round-trips) or throws dae::Error.
  dae::Rng rng(99);
  const std::string base = R"({"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00"],"b":{"c":"\n"}})";
  const char alphabet[] = "{}[]\",:\\u0123456789.eE+-tfnrlsa \x80\xC3\xED\xF0";
  for (int i = 0; i < 20000; ++i) {
    std::string s = base;
    const int edits = 1 + int(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      const size_t pos = size_t(rng.below(s.size() + 1));
      switch (rng.below(3)) {
        case 0: if (pos < s.size()) s.erase(pos, 1); break;
        case 1: s.insert(pos, 1, alphabet[rng.below(sizeof alphabet - 1)]); break;
        default: if (pos < s.size()) s[pos] = char(rng.next_u64()); break;
      }
    }
    try {
      const Json j = parse_json(s);
      EXPECT_EQ(parse_json(dae::dump_json(j)), j);
    } catch (const dae::Error&) {
    }
  }
}

TEST(Printable, EscapesControlsAndBadBytes) {
  EXPECT_EQ(dae::printable("plain name.png"), "plain name.png");
  EXPECT_EQ(dae::printable("a\nb\tc\x1b[31m"), "a\\nb\\tc\\x1b[31m");
  EXPECT_EQ(dae::printable("d\xC3\xA9j\xC3\xA0"), "d\xC3\xA9j\xC3\xA0");  // UTF-8 kept
  EXPECT_EQ(dae::printable("\xFF\xC2\x9B"), "\\xff\\xc2\\x9b");           // not UTF-8; C1 control CSI
  EXPECT_EQ(dae::printable(std::string(300, 'x'), 10), std::string(10, 'x') + "…");
  EXPECT_TRUE(dae::valid_utf8("d\xC3\xA9j\xC3\xA0 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(dae::valid_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(dae::valid_utf8("\xC0\xAF"));      // overlong
}
