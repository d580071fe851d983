/* The urpc example's JSON: see json.h. */
#include "examples/urpc/json.h"

#include <stdio.h>
#include <string.h>

void json_raw(struct json_out *o, const char *text, size_t len) {
  if (o->overflow || len > o->cap - o->len) {
    o->overflow = true;
    return;
  }
  memcpy(o->buf + o->len, text, len);
  o->len += len;
}

void json_string(struct json_out *o, const char *s, size_t len) {
  json_raw(o, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    char escaped[8];
    /* Go's encoding/json escapes quotes, backslashes, control characters
     * and (for HTML safety) <, > and &. */
    if (c == '"' || c == '\\') {
      escaped[0] = '\\';
      escaped[1] = (char)c;
      json_raw(o, escaped, 2);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      json_raw(o, escaped, 6);
    } else {
      json_raw(o, (const char *)&s[i], 1);
    }
  }
  json_raw(o, "\"", 1);
}

static size_t skip_space(const char *s, size_t len, size_t i) {
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
  return i;
}

/* The index just past the string starting at s[i] (a quote), or 0 if it
 * does not end within len. */
static size_t skip_string(const char *s, size_t len, size_t i) {
  for (i++; i < len; i++) {
    if (s[i] == '\\')
      i++;
    else if (s[i] == '"')
      return i + 1;
  }
  return 0;
}

/* The index just past the value starting at s[i]; 0 if incomplete, and
 * (size_t)-1 if malformed. Objects and arrays are matched by depth. */
static size_t skip_value(const char *s, size_t len, size_t i) {
  if (i >= len)
    return 0;
  if (s[i] == '"')
    return skip_string(s, len, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < len) {
      char c = s[i];
      if (c == '"') {
        i = skip_string(s, len, i);
        if (i == 0)
          return 0;
        continue;
      }
      if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        depth--;
      i++;
      if (depth == 0)
        return i;
    }
    return 0;
  }
  /* A number or a literal: up to the next delimiter. */
  size_t start = i;
  while (i < len && !strchr(",}] \t\r\n", s[i]))
    i++;
  if (i == start)
    return (size_t)-1;
  return i;
}

long json_object_end(const char *s, size_t len) {
  size_t i = skip_space(s, len, 0);
  if (i == len)
    return 0;
  if (s[i] != '{')
    return -1;
  size_t end = skip_value(s, len, i);
  return end == (size_t)-1 ? -1 : (long)end;
}

bool json_member(const char *s, size_t len, const char *key, const char **ret_value,
                 size_t *ret_len) {
  size_t i = skip_space(s, len, 0);
  if (i == len || s[i] != '{')
    return false;
  size_t key_len = strlen(key);
  for (i = skip_space(s, len, i + 1); i < len && s[i] == '"';) {
    size_t key_end = skip_string(s, len, i);
    if (key_end == 0)
      return false;
    bool match = key_end - i - 2 == key_len && memcmp(s + i + 1, key, key_len) == 0;
    i = skip_space(s, len, key_end);
    if (i == len || s[i] != ':')
      return false;
    size_t value = skip_space(s, len, i + 1);
    size_t value_end = skip_value(s, len, value);
    if (value_end == 0 || value_end == (size_t)-1)
      return false;
    if (match) {
      *ret_value = s + value;
      *ret_len = value_end - value;
      return true;
    }
    i = skip_space(s, len, value_end);
    if (i < len && s[i] == ',')
      i = skip_space(s, len, i + 1);
  }
  return false;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

long json_string_value(const char *value, size_t len, char *out, size_t cap) {
  if (len < 2 || value[0] != '"' || value[len - 1] != '"' || cap == 0)
    return -1;
  size_t n = 0;
  for (size_t i = 1; i < len - 1; i++) {
    char c = value[i];
    if (c == '\\') {
      if (++i >= len - 1)
        return -1;
      const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
      const char *known = strchr(from, value[i]);
      if (value[i] == 'u') {
        int code = 0;
        for (int k = 1; k <= 4; k++) {
          int d = i + k < len - 1 ? hex_digit(value[i + k]) : -1;
          if (d < 0)
            return -1;
          code = code * 16 + d;
        }
        if (code >= 0x80)
          return -1; /* Only ASCII here. */
        c = (char)code;
        i += 4;
      } else if (known && value[i] != '\0') {
        c = to[known - from];
      } else {
        return -1;
      }
    }
    if (n + 1 >= cap)
      return -1;
    out[n++] = c;
  }
  out[n] = '\0';
  return (long)n;
}
