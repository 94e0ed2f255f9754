/* EXPECT for the element suite's plain test programs: prints where and why
 * a check failed and counts it; main() returns failures != 0. */
#ifndef TRT_TESTS_ELEMENT_EXPECT_H
#define TRT_TESTS_ELEMENT_EXPECT_H

#include <stdio.h>

static int failures;

#define EXPECT(cond, ...)                                                                  \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf (stderr, "%s:%d: ", __FILE__, __LINE__);                                     \
      fprintf (stderr, __VA_ARGS__);                                                       \
      fputc ('\n', stderr);                                                                \
      failures++;                                                                          \
    }                                                                                      \
  } while (0)

#endif
