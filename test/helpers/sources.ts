// Sources for tests and benchmarks of large inputs.

/** A valid process of about `bytes` characters. */
export function largeSource(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `the total is the price * ${i % 97} + ${i}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}
