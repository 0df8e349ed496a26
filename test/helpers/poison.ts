// The processes of issue 7 that once exhausted their executor, shared by the interpreter
// and API tests.

/** A record nested 20,000 deep, one level per iteration (the depth bound stops it). */
export const NESTED_RECORD = [
  "the r is nothing",
  "repeat 20000 times",
  "  imagine a record as the n",
  "  the n's child is the r",
  "  the r is the n",
  'say "done"',
].join("\n");

/** A list that appends itself: doubles until the list bound. */
export const DOUBLING_LIST = 'the xs are 1, 2\nrepeat 40 times\n  add the xs to the xs\nsay "done"';

/** A number squared 24 times: 2^24 digits without the digits bound. */
export const SQUARES = "the x is 10\nrepeat 24 times\n  multiply the x by the x\nsay the x";
