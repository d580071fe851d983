/*
 * Just enough JSON for gVisor's urpc messages, for the example client and
 * server: building an object into a caller's buffer, finding where one
 * complete JSON object ends in a byte stream (urpc has no length prefix: Go's
 * json.Decoder reads until the value is complete), and reading a top-level
 * member. Not a general JSON library: no allocation, no floating point, and
 * strings decode only ASCII escapes (what these messages carry).
 */
#ifndef LIBUNET_EXAMPLES_URPC_JSON_H_
#define LIBUNET_EXAMPLES_URPC_JSON_H_

#include <stdbool.h>
#include <stddef.h>

/* An output buffer: every append is dropped once it would overflow, and
 * `overflow` says so. */
struct json_out {
  char *buf;
  size_t cap;
  size_t len;
  bool overflow;
};

/* Appends text as it is (JSON punctuation, a value already encoded). */
void json_raw(struct json_out *o, const char *text, size_t len);

/* Appends s[0..len) as a quoted JSON string, escaping as Go does. */
void json_string(struct json_out *o, const char *s, size_t len);

/* The length of the JSON object that starts s (after white space): 0 while
 * the object is still incomplete (read more), -1 if s does not start with a
 * well-formed object. */
long json_object_end(const char *s, size_t len);

/* Finds the top-level member `key` of the object s[0..len): sets *ret_value
 * and *ret_len to its raw JSON value. Returns false if absent or malformed. */
bool json_member(const char *s, size_t len, const char *key, const char **ret_value,
                 size_t *ret_len);

/* Decodes the JSON string value[0..len) into out (cap bytes, NUL added).
 * Returns its length, or -1 if it is no string, has a non-ASCII escape, or
 * does not fit. */
long json_string_value(const char *value, size_t len, char *out, size_t cap);

#endif /* LIBUNET_EXAMPLES_URPC_JSON_H_ */
