// Follows a run that is not final over server-sent events. EventSource reconnects by itself
// after a dropped connection and sends Last-Event-ID, so the server resumes after the last
// event seen; each event refreshes the run's queries. Closed at the run's final status.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { FINAL_STATUSES, type RunStatus } from "../../api/client";

export type StreamState = "live" | "reconnecting" | "closed";

export function useRunStream(id: string | undefined, status: RunStatus | undefined): StreamState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>("closed");
  const final = status === undefined || FINAL_STATUSES.includes(status);
  useEffect(() => {
    if (!id || final) return;
    const source = new EventSource(`/api/v2/runs/${encodeURIComponent(id)}/events/stream`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        queryClient.invalidateQueries({ queryKey: ["run", id] });
      }, 100);
    };
    const onEvent = (e: MessageEvent<string>) => {
      refresh();
      try {
        const data = JSON.parse(e.data) as { type: string; data?: { status?: RunStatus } };
        const s = data.data?.status;
        if (data.type === "status" && s && FINAL_STATUSES.includes(s)) {
          source.close();
          setState("closed");
          queryClient.invalidateQueries({ queryKey: ["runs"] });
        }
      } catch {
        // Not JSON: the refresh above still shows what changed.
      }
    };
    for (const type of ["status", "step", "log", "question", "answer", "archive"]) {
      source.addEventListener(type, onEvent);
    }
    source.onopen = () => setState("live");
    source.onerror = () =>
      setState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
      setState("closed");
    };
  }, [id, final, queryClient]);
  return state;
}
