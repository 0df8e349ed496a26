// Source text with line numbers; some lines marked (the step shown, the error's line).
import { useEffect, useRef } from "react";

export function Source({
  text,
  hit,
  errorLine,
  label,
}: {
  text: string;
  hit?: number | null | undefined;
  errorLine?: number | null | undefined;
  label: string;
}) {
  const ref = useRef<HTMLOListElement>(null);
  const focus = hit ?? errorLine;
  useEffect(() => {
    if (!focus) return;
    ref.current?.children[focus - 1]?.scrollIntoView({ block: "nearest" });
  }, [focus]);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled region must be reachable by keyboard
    <section className="source" aria-label={label} tabIndex={0}>
      <ol ref={ref}>
        {text.split("\n").map((line, i) => {
          const n = i + 1;
          const cls = n === errorLine ? "error-line" : n === hit ? "hit" : undefined;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions
            <li key={i} className={cls} aria-current={n === hit ? "step" : undefined}>
              {line || " "}
              {n === errorLine && (
                <span className="visually-hidden"> (the error is on this line)</span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
