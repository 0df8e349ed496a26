// The question a waiting run asks: its choices as buttons, or a field for a free answer.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, ok, type RunDetail } from "../../api/client";
import { ErrorNote } from "../../ui/ErrorNote";

export function QuestionForm({ run }: { run: RunDetail }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const answer = useMutation({
    mutationFn: (value: string) =>
      ok(
        api.POST("/api/v2/runs/{id}/answer", {
          params: { path: { id: run.id } },
          body: { answer: value },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["run", run.id] }),
  });
  const q = run.question!;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) answer.mutate(text.trim());
  };
  return (
    <section className="card" aria-labelledby="h-question">
      <h2 id="h-question">The run asks</h2>
      <p>{q.text}</p>
      {q.choices && q.choices.length > 0 ? (
        <fieldset className="row choices">
          <legend className="visually-hidden">Choices</legend>
          {q.choices.map((c) => (
            <button
              key={c}
              type="button"
              className="primary"
              disabled={answer.isPending}
              onClick={() => answer.mutate(c)}
            >
              {c}
            </button>
          ))}
        </fieldset>
      ) : (
        <form className="row" onSubmit={submit}>
          <label htmlFor="answer" className="visually-hidden">
            Your answer
          </label>
          <input
            id="answer"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Your answer"
            required
          />
          <button type="submit" className="primary" disabled={answer.isPending}>
            Answer
          </button>
        </form>
      )}
      <ErrorNote error={answer.error} />
    </section>
  );
}
