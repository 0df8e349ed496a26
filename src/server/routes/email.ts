// A process's email addresses: show them (made on first use), rotate them, set who may send.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Engine } from "../../engine/index.ts";
import { EmailAddresses } from "../../triggers/email/addresses.ts";
import { MAX_ALLOW } from "../../triggers/email/senders.ts";
import { apiRegistry, IdParams, problems } from "../schemas.ts";

const SenderRule = z
  .strictObject({
    allow: z
      .array(z.string().min(1).max(254))
      .max(MAX_ALLOW)
      .default([])
      .describe(
        "Addresses (`ap@example.com`) and domains (`example.com`, with its subdomains) that may send; empty: anyone.",
      ),
    authenticated: z
      .boolean()
      .default(false)
      .describe("Only messages that pass DMARC (DKIM or SPF aligned with the From domain)."),
  })
  .describe("Who may send to the process's addresses (default: anyone).");
apiRegistry.add(SenderRule, { id: "SenderRule" });

const EmailAddressesView = z.object({
  process_id: z.string(),
  process: z.string(),
  published: z.string().describe("Mail here runs the latest published version."),
  draft: z.string().describe("Mail here runs the current draft."),
  senders: SenderRule,
});
apiRegistry.add(EmailAddressesView, { id: "EmailAddresses" });

export const emailRoutes: FastifyPluginAsyncZod<{ engine: Engine; domain: string }> = async (
  app,
  { engine, domain },
) => {
  const addresses = new EmailAddresses(engine, domain);
  const tags = ["email"];

  app.get(
    "/processes/:id/email",
    {
      schema: {
        tags,
        operationId: "getProcessEmail",
        summary: "The process's email addresses and sender rule",
        description:
          "Mail to `published` runs the latest published version, mail to `draft` the draft. The addresses are made the first time they are asked for.",
        params: IdParams,
        response: { 200: EmailAddressesView, ...problems(401, 404) },
      },
    },
    async (request) => addresses.get(request.params.id),
  );

  app.post(
    "/processes/:id/email/rotate",
    {
      schema: {
        tags,
        operationId: "rotateProcessEmail",
        summary: "Replace the process's addresses; the old ones are refused from now on",
        params: IdParams,
        response: { 200: EmailAddressesView, ...problems(401, 403, 404) },
      },
    },
    async (request) => addresses.rotate(request.params.id),
  );

  app.put(
    "/processes/:id/email/senders",
    {
      schema: {
        tags,
        operationId: "setProcessEmailSenders",
        summary: "Set who may send to the process's addresses",
        params: IdParams,
        body: SenderRule,
        response: { 200: EmailAddressesView, ...problems(401, 403, 404, 422) },
      },
    },
    async (request) => addresses.setSenders(request.params.id, request.body),
  );
};
