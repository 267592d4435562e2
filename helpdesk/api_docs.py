"""The words of the API contract that are not in the code: each operation's summary (and its description where
the view's docstring is missing or is shared by two operations), each tag's description, the servers.

``helpdesk.schema.document_operations`` (a drf-spectacular postprocessing hook) puts them into the document; a
test fails for an operation without a summary or a description, so a new endpoint arrives documented. One
table, in English like the rest of the contract (``helpdesk.schema.CONTRACT_LANGUAGE``).
"""

from __future__ import annotations

# (METHOD, path) → (summary, description or None to keep the view's docstring)
OPERATIONS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("GET", "/api/v1/aftersales/approvals/"): ("List approvals waiting for a manager", None),
    ("POST", "/api/v1/aftersales/approvals/{id}/decision/"): (
        "Approve or reject an approval",
        "Managers decide on a request beyond an agent's authority. Approving lets the request move on; rejecting "
        "needs a note, which the agent sees.",
    ),
    ("GET", "/api/v1/aftersales/evidence/{id}/file/"): ("Download an evidence file", None),
    ("POST", "/api/v1/aftersales/offers/{id}/answer/"): ("Record the buyer's answer to an offer", None),
    ("GET", "/api/v1/aftersales/requests/"): (
        "List after-sales requests",
        "Newest first, cursor-paginated. Filters: status, type, reason, order_number, ticket.",
    ),
    ("POST", "/api/v1/aftersales/requests/"): (
        "Create an after-sales request",
        "A return, exchange, refund, reship or compensation request on a ticket and an order, with the lines "
        "and quantities concerned. The policy check (time limits, what is left to return) runs at once. "
        "Evidence files go through the evidence upload afterwards. `Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/aftersales/requests/{id}/"): (
        "Get an after-sales request",
        "The request with its lines, evidence, offers, approvals, processing steps and the steps it may take next.",
    ),
    ("POST", "/api/v1/aftersales/requests/{id}/approval-requests/"): ("Ask a manager for approval", None),
    ("POST", "/api/v1/aftersales/requests/{id}/evidence/"): (
        "Upload an evidence file",
        "A photo or document for the request, as multipart/form-data: `kind` and `file`. Images are checked "
        "(type, size, dimensions) and get a thumbnail.",
    ),
    ("POST", "/api/v1/aftersales/requests/{id}/offers/"): ("Offer compensation", None),
    ("POST", "/api/v1/aftersales/requests/{id}/transitions/"): ("Move an after-sales request on", None),
    ("GET", "/api/v1/agents/"): ("List agents", None),
    # --- knowledge base (issue 16, kb slice) ---
    ("GET", "/api/v1/kb/articles/"): (
        "List or search knowledge-base articles",
        "Newest change first, offset-paginated; with `q` (Chinese is segmented) the best matches first, at most "
        "100, each with a highlighted `snippet_html`. Filters: category (slug), tag, status, audience. API keys "
        "(`kb:read`) read published public articles only; staff read every article (published unless `status`).",
    ),
    ("POST", "/api/v1/kb/articles/"): (
        "Create a knowledge-base article",
        "A new draft. Agents, managers, and keys with `kb:write` (an import). A slug another article uses is a "
        "400 (`slug_taken`); Markdown is stored as written and rendered sanitised (`body_html`).",
    ),
    ("GET", "/api/v1/kb/articles/{id}/"): ("Get a knowledge-base article", None),
    ("PATCH", "/api/v1/kb/articles/{id}/"): ("Change a knowledge-base article", None),
    ("POST", "/api/v1/kb/articles/{id}/publish/"): (
        "Publish a knowledge-base article",
        "Managers. A public article then shows in the help centre.",
    ),
    ("POST", "/api/v1/kb/articles/{id}/archive/"): (
        "Archive a knowledge-base article",
        "Managers. Out of the help centre, suggestions and default searches; kept with its history.",
    ),
    ("GET", "/api/v1/kb/categories/"): ("List knowledge-base categories", None),
    ("POST", "/api/v1/api-keys/{id}/revoke/"): ("Revoke an API key", None),
    # Canned replies (replies, the canned slice).
    ("GET", "/api/v1/canned-replies/"): ("List canned replies", None),
    ("GET", "/api/v1/canned-replies/{id}/"): ("Get a canned reply", "One active canned reply the caller may use."),
    ("GET", "/api/v1/canned-replies/{id}/render/"): ("Fill a canned reply for a ticket", None),
    # Presence (workforce, the assign slice).
    ("GET", "/api/v1/presence/"): ("List agents' presence", None),
    ("GET", "/api/v1/presence/me/"): ("Get your presence", None),
    ("PUT", "/api/v1/presence/me/"): (
        "Set your presence",
        "Online, busy, away or offline (`status`). Only online agents get tickets from auto-assignment; going "
        "offline hands your unanswered tickets back to the team queue where the team wants it. Without an open "
        "page of the helpdesk (its heartbeat) you become offline within a few minutes.",
    ),
    ("POST", "/api/v1/api-keys/{id}/rotate/"): ("Rotate an API key", None),
    ("POST", "/api/v1/auth/token/"): ("Get a staff API token", None),
    ("GET", "/api/v1/complaints/"): (
        "List complaints",
        "Most severe first, then by resolution due time; pages of `page_size` (default 50) with `next`. "
        "`view`: open (default), mine or all; `severity` to filter.",
    ),
    ("POST", "/api/v1/complaints/"): (
        "Create a complaint",
        "A complaint ticket with its buyer (created or found by platform and account id), what the buyer asks "
        "for and the review link. Its severity comes from the severity rules; the buyer gets an apology at once. "
        "`Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/complaints/{id}/"): (
        "Get a complaint",
        "The complaint of the ticket with this id: severity and why, owner, analysis, outcome and follow-up calls.",
    ),
    ("PATCH", "/api/v1/complaints/{id}/"): (
        "Update a complaint",
        "Change the severity, what the buyer asks for, the root cause, the review link or outcome, or the owner "
        "(a manager). Give at least one field.",
    ),
    ("POST", "/api/v1/complaints/{id}/resolve/"): ("Resolve a complaint", None),
    ("GET", "/api/v1/complaints/follow-ups/"): ("List follow-up calls", None),
    ("POST", "/api/v1/complaints/follow-ups/{id}/"): (
        "Record a follow-up call",
        "What came of the call: `satisfied` or not, with a `note`. An unsatisfied buyer reopens the complaint "
        "and alerts its owner.",
    ),
    ("GET", "/api/v1/customers/"): ("List buyers", None),
    ("GET", "/api/v1/customers/{id}/"): ("Get a buyer's profile", None),
    ("POST", "/api/v1/customers/{id}/links/"): (
        "Link another account of the same buyer",
        "Link another platform account of the same person to this one: `customer` (its id), or `platform` and "
        "`platform_account_id`. Both must be buyers this caller may see, and known already (an account appears "
        "with its first ticket or synced order; an unknown one is a 400: a link never creates a buyer).",
    ),
    ("DELETE", "/api/v1/customers/{id}/links/"): (
        "Unlink this account from its person",
        "Take this account out of the person it was linked to; the other accounts stay linked.",
    ),
    ("POST", "/api/v1/customers/{id}/reveal-contact/"): ("Reveal a buyer's contact details (logged)", None),
    ("GET", "/api/v1/escalations/"): ("List escalations", None),
    ("GET", "/api/v1/integrations/"): (
        "List integrations",
        "Admins: every shop-platform integration with its platform, scopes, rate limit and keys (never the keys "
        "themselves).",
    ),
    ("POST", "/api/v1/integrations/"): (
        "Create an integration",
        "Admins: a new integration for a platform, with its scopes and rate limit, and its first API key "
        "(named default) in `key`: shown this once, only its hash is stored. More keys: the keys operation.",
    ),
    ("GET", "/api/v1/integrations/{id}/"): ("Get an integration", "Admins: one integration and its keys."),
    ("PATCH", "/api/v1/integrations/{id}/"): (
        "Update an integration",
        "Admins: change the name, scopes, rate limit or whether it is active.",
    ),
    ("POST", "/api/v1/integrations/{id}/keys/"): ("Create an API key", None),
    ("GET", "/api/v1/integrations/me/"): ("Get the calling key's integration", None),
    # --- shifts and the handover book (issue 15, handover) ---
    ("GET", "/api/v1/handovers/"): (
        "List handovers",
        "The handovers of the teams the caller reads (交接班记录本): unread first (not acknowledged by the caller, "
        "not theirs, from the last 7 days), then newest first. Filters: team, date_from and date_to (shift date), "
        "author, ticket (a reference), unread. A ticket the caller may not see shows its reference only.",
    ),
    ("POST", "/api/v1/handovers/"): (
        "Write a handover",
        "People only. Notes and the author's open tickets, each handed to a next-shift agent (`to_agent`), put "
        "back in the team queue (`to_queue`) or kept (`keep`); all or nothing. The shift is the author's current "
        "one (or the one that ended in the last 2 hours). `Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/handovers/{id}/"): ("Get a handover", "One handover with its tickets and acknowledgements."),
    ("POST", "/api/v1/handovers/{id}/acknowledgements/"): ("Acknowledge a handover", None),
    ("GET", "/api/v1/shifts/"): (
        "List shifts",
        "The shifts of the teams the caller reads, by team and start time; `team` to filter. Times are wall-clock "
        "times in the team calendar's time zone; an end at or before the start runs past midnight.",
    ),
    ("POST", "/api/v1/shifts/"): (
        "Create a shift",
        "Team managers, admins and keys with `workforce:write`. The name is new in the team, start and end "
        "differ, no minute is shared with another shift of the team (a 400 names it), and the members belong to "
        "the team. `Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/shifts/{id}/"): ("Get a shift", "One shift with its agents."),
    ("PATCH", "/api/v1/shifts/{id}/"): ("Update a shift", "Change its name, times or agents, with the create checks."),
    ("DELETE", "/api/v1/shifts/{id}/"): (
        "Delete a shift",
        "Handovers written in it keep their date and lose the shift.",
    ),
    # --- end shifts and handovers ---
    ("GET", "/api/v1/notifications/"): ("List your notifications", None),
    ("POST", "/api/v1/notifications/read/"): ("Mark notifications read", None),
    ("GET", "/api/v1/notifications/unread-count/"): ("Count your unread notifications", None),
    ("GET", "/api/v1/orders/"): ("List orders", None),
    ("GET", "/api/v1/orders/{id}/"): ("Get an order", "The order with its lines, amounts and dates."),
    ("POST", "/api/v1/orders/bulk/"): ("Create or update orders in bulk", None),
    ("GET", "/api/v1/reports/"): ("List reports", None),
    ("GET", "/api/v1/reports/{name}/"): ("Get a report", None),
    ("GET", "/api/v1/teams/"): ("List teams", "The teams tickets can be routed to."),
    ("GET", "/api/v1/tickets/"): (
        "List tickets",
        "The tickets the caller may see, newest first, cursor-paginated. For incremental sync use "
        "`updated_since` with `ordering=updated_at` and follow `next` to the last page.",
    ),
    ("POST", "/api/v1/tickets/"): (
        "Create a ticket",
        "An inquiry, complaint or after-sales ticket with its buyer (created or found by platform and account "
        "id) and, optionally, its order with lines. SLA clocks start from `received_at` (default now). "
        "`Idempotency-Key` makes a retry safe: the same key and body answer the first response again.",
    ),
    ("GET", "/api/v1/tickets/{id}/"): (
        "Get a ticket",
        "The ticket with its buyer, order, messages (internal notes only for staff and keys with `notes:read`), "
        "events and SLA clocks. `last_event_id` is what to send back as `last_seen_event_id` with a reply or a "
        "status change to be warned (409 `stale_ticket`) of changes made meanwhile.",
    ),
    ("PATCH", "/api/v1/tickets/{id}/"): (
        "Update a ticket",
        "Change status, priority, kind and category, team, assignee, or whether it is restricted (managers). "
        "Each change is recorded on the timeline and re-evaluates the SLA where it matters. With a status, an "
        "optional `last_seen_event_id` (the `last_event_id` the client last read) makes it a 409 `stale_ticket` "
        "(with `error.changes`) if since then the buyer wrote, someone else replied or someone else changed the "
        "status; resend with the new `error.last_event_id` to change it anyway.",
    ),
    ("POST", "/api/v1/tickets/{id}/customer-messages/"): ("Add a buyer's message", None),
    ("POST", "/api/v1/tickets/{id}/help-requests/"): (
        "Ask the managers for help",
        "An agent escalates the ticket to its team's managers with a reason (求助主管): an escalation with target "
        "requested, notified and e-mailed like an SLA escalation. One open request per ticket: a second one "
        "before a manager takes it up is a 409.",
    ),
    ("POST", "/api/v1/tickets/{id}/notes/"): ("Add an internal note", None),
    ("POST", "/api/v1/tickets/{id}/replies/"): (
        "Reply to the buyer",
        "A public reply; the first one stops the first-response clock. An optional `last_seen_event_id` (the "
        "ticket's `last_event_id` when the reply was written) makes it a 409 `stale_ticket`, sending nothing, if "
        "since then the buyer wrote, someone else replied or someone else changed the status: `error.changes` "
        "lists them (type, actor, time, excerpt) and `error.last_event_id` is the id to resend with to reply "
        "anyway. Internal notes and the caller's own steps never count; without the field nothing is checked. "
        "Send multipart/form-data instead of JSON to attach files (`attachments`, repeated; then `body` may be "
        "empty): photos, PDF, Word and Excel files, checked by content, at most 10 MB and 10 files by default. "
        "An optional `status` (`pending_customer` or `resolved`) is set in the same transaction (send and set "
        "pending, send and resolve): a status the ticket may not take refuses both (409). A reply a reply check "
        "blocks (a forbidden wording rule) is a 400 `reply_blocked` with `error.problems`, sending nothing, "
        "unless `override_reason` says why it goes out anyway; the timeline then records the override.",
    ),
    ("GET", "/api/v1/tickets/{id}/attachments/{attachment_id}/"): ("Download a message's file", None),
    ("GET", "/api/v1/tickets/{id}/survey/"): ("Get a ticket's satisfaction survey", None),
    ("POST", "/api/v1/tickets/{id}/take/"): (
        "Take a ticket",
        "Assign the ticket to yourself (agents and managers; 我来处理).",
    ),
    ("GET", "/api/v1/webhooks/deliveries/"): ("List webhook deliveries", None),
    ("GET", "/api/v1/webhooks/deliveries/{id}/"): (
        "Get a webhook delivery",
        "One delivery with its payload, status and every attempt (status code, time taken, response excerpt).",
    ),
    ("POST", "/api/v1/webhooks/deliveries/{id}/redeliver/"): ("Redeliver a webhook", None),
    # --- routing rules (issue 15, routing slice) ---
    ("GET", "/api/v1/routing-rules/"): (
        "List routing rules",
        "The rules the caller may see (managers: the global rules and their own teams'), global rules first, "
        "then each team's, each list in the order it runs.",
    ),
    ("POST", "/api/v1/routing-rules/"): (
        "Create a routing rule",
        "A rule at the end of its list (global, or a team's). Conditions left out match any ticket; at least one "
        "action is required. A team's rule cannot send tickets to another team. `Idempotency-Key` makes a retry "
        "safe.",
    ),
    ("GET", "/api/v1/routing-rules/{id}/"): (
        "Get a routing rule",
        "One rule with its conditions, actions, position in its list and how often it fired.",
    ),
    ("PATCH", "/api/v1/routing-rules/{id}/"): (
        "Change a routing rule",
        "The fields given change; the rule is checked again as a whole. Moving it to another list puts it last.",
    ),
    ("DELETE", "/api/v1/routing-rules/{id}/"): (
        "Delete a routing rule",
        "New tickets are no longer routed by it; tickets it routed keep what it did.",
    ),
    ("POST", "/api/v1/routing-rules/preview/"): (
        "Preview which routing rules would fire",
        "Runs a sample ticket through the active rules — or through the list as it would be with `rule` (an "
        "unsaved edit of `rule_id`, or a new rule) in place — and answers which rules fire and what the ticket "
        "would get. Writes nothing; needs only `workforce:read`.",
    ),
    # --- wording checks (issue 16, reply slice) ---
    ("GET", "/api/v1/wording-rules/"): (
        "List wording rules",
        "Every wording rule (话术规范): discouraged words that warn and forbidden ones that block a reply, global "
        "rules first, with how often each warned on a sent reply and was overridden. Agents, managers and keys "
        "with `replies:read`.",
    ),
    ("POST", "/api/v1/wording-rules/"): (
        "Create a wording rule",
        "Managers (global rules and their own teams'), admins and keys with `replies:write`. A regular expression "
        "is vetted: it must compile and stay fast on the longest reply (no nested or repeated open-ended "
        "repeats, no back references); otherwise 400 naming `pattern`. `Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/wording-rules/{id}/"): ("Get a wording rule", None),
    ("PATCH", "/api/v1/wording-rules/{id}/"): (
        "Change a wording rule",
        "The fields given change; the rule is vetted again as a whole (a bad pattern is a 400). Managers: global "
        "rules and their own teams'; admins any; keys with `replies:write`.",
    ),
    ("DELETE", "/api/v1/wording-rules/{id}/"): (
        "Delete a wording rule",
        "Replies are no longer checked against it; overrides already recorded on tickets keep its id and text.",
    ),
    ("POST", "/api/v1/tickets/{id}/reply-check/"): (
        "Check a reply before sending it",
        "Runs every reply check (wording rules and any other) on `body` as a reply on this ticket and lists the "
        "problems, each with whether it blocks, the rule's explanation and better wording. A blocked reply needs "
        "`override_reason` when sent. Writes nothing; needs `replies:read`.",
    ),
    # --- end wording checks ---
    ("GET", "/api/v1/webhooks/endpoints/"): (
        "List webhook endpoints",
        "The calling integration's endpoints (admins: every integration's), never their secrets.",
    ),
    ("POST", "/api/v1/webhooks/endpoints/"): ("Create a webhook endpoint", None),
    ("GET", "/api/v1/webhooks/endpoints/{id}/"): ("Get a webhook endpoint", "One endpoint, never its secret."),
    ("PATCH", "/api/v1/webhooks/endpoints/{id}/"): (
        "Update a webhook endpoint",
        "Change the URL, the event types or whether it is active.",
    ),
    ("DELETE", "/api/v1/webhooks/endpoints/{id}/"): (
        "Delete a webhook endpoint",
        "Stop sending to it; its past deliveries stay in the log.",
    ),
    ("POST", "/api/v1/webhooks/endpoints/{id}/ping/"): ("Ping a webhook endpoint", None),
    ("POST", "/api/v1/webhooks/endpoints/{id}/rotate-secret/"): ("Rotate a webhook endpoint's secret", None),
    # --- workforce: skills, work profiles, team work settings, the team board (issue 15, board slice) ---
    ("GET", "/api/v1/skills/"): ("List skills", "Every skill agents may have and routing rules may require, by name."),
    ("POST", "/api/v1/skills/"): (
        "Create a skill",
        "A new skill: `name` (1–50 characters, unique whatever the letter case) and an optional `description`. "
        "Managers and admins. `Idempotency-Key` makes a retry safe.",
    ),
    ("GET", "/api/v1/skills/{id}/"): ("Get a skill", "One skill: its name and description."),
    ("PATCH", "/api/v1/skills/{id}/"): ("Update a skill", "Rename a skill or change its description."),
    ("DELETE", "/api/v1/skills/{id}/"): (
        "Delete a skill",
        "Agents lose the skill and tickets no longer require it. A 409 (`skill_in_use`) while a routing rule "
        "requires it: change those rules first.",
    ),
    ("GET", "/api/v1/agents/{id}/work-profile/"): (
        "Get an agent's work profile",
        "Capacity (the most open tickets auto-assignment gives the agent), skills and teams, with the presence "
        "status and open load (read-only). Managers read the members of their teams, admins anyone, an agent "
        "their own.",
    ),
    ("PATCH", "/api/v1/agents/{id}/work-profile/"): (
        "Update an agent's capacity and skills",
        "`capacity` 1–200 and/or `skills` (ids; the list replaces the agent's). Admins, and managers of a team "
        "the agent is a member of. A raised capacity or an added skill lets waiting tickets be auto-assigned.",
    ),
    ("GET", "/api/v1/teams/{id}/work-settings/"): (
        "Get a team's work settings",
        "How the team's new tickets find an agent: the auto-assignment mode, whether it is paused, the team's "
        "capacity override and whether unanswered tickets go back to the queue when an agent goes offline.",
    ),
    ("PATCH", "/api/v1/teams/{id}/work-settings/"): (
        "Update a team's work settings",
        "Give any of `assignment_mode` (off, round_robin, least_loaded), `assignment_paused`, `capacity_override` "
        "(1–200, or null for each agent's own capacity) and `hand_back_on_offline`. The team's managers and "
        "admins. Resuming, switching on or raising the capacity runs auto-assignment for the team.",
    ),
    ("GET", "/api/v1/board/"): (
        "Get the team board",
        "For each team the caller manages (admins: every team): its agents with presence, open load and "
        "effective capacity; the waiting queue (unassigned new or open tickets, and how long the oldest has "
        "waited); tickets whose SLA deadline falls within the next 10 minutes, and those already overdue (at "
        "most 50 of each listed, the counts exact). Only tickets the caller may see.",
    ),
}

TAGS: dict[str, str] = {
    "tickets": "Inquiries, complaints and after-sales tickets: create, read, update, reply, notes, buyer messages.",
    "complaints": "Complaint details: severity, analysis, resolution and follow-up calls.",
    "aftersales": "Return, exchange, refund, reship and compensation requests, their evidence, offers and approvals.",
    "customers": "Buyers on each platform, their linked accounts, profiles and the logged contact reveal.",
    "orders": "Orders with their lines, synced from the shop platform.",
    "escalations": "SLA escalations and agents' help requests, for managers.",
    "notifications": "The caller's in-app notifications.",
    "agents": "People who can be assigned tickets.",
    "presence": "Agents' presence (online, busy, away, offline): one's own, and the agents one may see.",
    "teams": "Teams that own tickets.",
    "skills": "Skills agents have and routing rules may require.",
    "board": "The live team board: presence, load against capacity, the waiting queue, tickets close to breach.",
    "reports": "Report tables for managers and integrations with reports:read.",
    "integrations": "Shop-platform integrations (admins) and the calling key's own integration.",
    "api-keys": "Rotating and revoking API keys.",
    "auth": "Staff API tokens.",
    "webhooks": "Webhook endpoints and the delivery log; the payloads are under `webhooks`.",
    "shifts": "Teams' shifts (班次), in the team calendar's time zone.",
    "handovers": "The shift-handover book (交接班记录本): handovers and their acknowledgements.",
    "canned-replies": "Canned replies (快捷回复/话术) with variables, and a reply filled for a ticket.",
    "routing-rules": "Routing rules (智能分流): how new tickets get their team, priority, skill, tags and owner.",
    "wording-rules": "Wording rules (话术规范): words and patterns a reply should avoid (warn) or must not contain "
    "(block unless overridden with a reason).",
    "kb": "The knowledge base (知识库): articles with Chinese search, and their categories.",
}
