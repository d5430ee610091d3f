const GREETING = "Hello! I'm Switchboard's built-in demo model. ";

// Fixed so that the same conversation always gets the same answer (tests and screenshots rely on it).
const EXPLANATION =
  "I'm not a real language model: I stream this scripted reply so you can try Switchboard without any " +
  "setup, accounts or API keys. Every agent runs on me until you give it a real provider. To do that, add " +
  "a credential for OpenAI, Anthropic, OpenRouter or any OpenAI-compatible endpoint, then choose that " +
  "provider and a model in the agent's settings. Your agents, teams and conversations keep working " +
  "exactly the same way; only the answers get smarter. Until then, feel free to explore: create agents, " +
  "start conversations and watch the replies stream in token by token.";

const MAX_EXCERPT = 80;

/** The deterministic answer given when no script matches a request. */
export function demoReply(lastUserText: string): string {
  const excerpt = excerptOf(lastUserText);
  const echo = excerpt
    ? `You said: "${excerpt}". `
    : "I didn't receive a message from you, but that's fine. ";
  return `${GREETING}${echo}${EXPLANATION}`;
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  // Code points, not UTF-16 units, so an emoji is never cut in half.
  const chars = Array.from(flat);
  if (chars.length <= MAX_EXCERPT) return flat;
  const cut = chars.slice(0, MAX_EXCERPT).join("");
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > cut.length / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
