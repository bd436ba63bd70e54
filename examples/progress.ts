/** The examples' progress line: redrawn in place on a terminal; otherwise a line each time a quarter is passed. */
export function progress(name: string, done: number, total: number, opts: { step?: number; note?: string } = {}): void {
  const width = 30;
  const bar = "#".repeat(Math.round((done / total) * width)).padEnd(width, ".");
  const line = `${name}: [${bar}] ${done}/${total} steps${opts.note ? `, ${opts.note}` : ""}`;
  const step = opts.step ?? 1;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${done === total ? "\n" : ""}`);
  else if (Math.floor((done * 4) / total) > Math.floor(((done - step) * 4) / total)) console.log(line);
}
