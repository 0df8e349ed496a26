// Follows every run's status changes over server-sent events (GET /runs/events/stream) and
// calls `onChange` when runs were stored or changed status: at most once per `everyMs`, the
// last change of a burst never dropped. Also called when the stream (re)opens and on
// `resync`, since changes may have been missed meanwhile. EventSource reconnects by itself.
import { useEffect, useRef } from "react";

export function useRunChanges(onChange: () => void, everyMs = 500): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const source = new EventSource("/api/v2/runs/events/stream");
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const changed = () => {
      if (timer) return;
      const wait = Math.max(0, last + everyMs - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        latest.current();
      }, wait);
    };
    source.addEventListener("status", changed);
    source.addEventListener("resync", changed);
    let opened = false;
    source.onopen = () => {
      // The first open needs no read: the page has just read its data.
      if (opened) changed();
      opened = true;
    };
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [everyMs]);
}
