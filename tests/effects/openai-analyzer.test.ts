/**
 * OpenAiAnalyzer against a real local HTTP server that answers like the chat-completions API.
 */
import { describe, expect, it } from 'vitest';
import { OpenAiAnalyzer } from '../../src/effects/openai-analyzer.js';
import type { AnalyzeInput } from '../../src/machines/index.js';
import { fakeHttp, type Reply } from '../utils/fake-http.js';
import { rejectionWithout } from '../utils/rejection.js';

const API_KEY = 'sk-test-SECRET-0123456789';

/** A fake OpenAI-compatible API under /v1. */
async function fakeApi(...replies: Reply[]) {
  const server = await fakeHttp(...replies);
  return {
    ...server,
    url: `${server.url}/v1`,
    /** The parsed JSON body of the n-th request. */
    request: (n = 0) =>
      JSON.parse(server.received[n].body) as Record<string, unknown> & { messages: { role: string; content: string }[] },
  };
}

const json = (status: number, body: unknown): Reply => (res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
/** A chat completion whose assistant message is `content`, in the API's real shape. */
const completion = (content: string): Reply =>
  json(200, {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
const never: Reply = () => {
  // Deliberately never answers: the analyzer's timeout or the caller's abort must end it.
};

const task: AnalyzeInput = {
  title: 'Export invoices as CSV',
  description: 'Add a CSV export button to the invoices page.',
  clarifications: [],
};

const analyzer = (url: string, extra: Partial<ConstructorParameters<typeof OpenAiAnalyzer>[0]> = {}) =>
  new OpenAiAnalyzer({ url, model: 'gpt-test', apiKey: API_KEY, ...extra });

const failure = (promise: Promise<unknown>) => rejectionWithout(API_KEY, promise);

describe('OpenAiAnalyzer', () => {
  it('dispatches a clear task and sends a structured-output request', async () => {
    const api = await fakeApi(completion('{"verdict":"dispatch","questions":[]}'));
    const verdict = await analyzer(api.url).analyze(task, new AbortController().signal);

    expect(verdict).toEqual({ verdict: 'dispatch' });
    expect(api.received).toHaveLength(1);
    const [req] = api.received;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    const body = api.request();
    expect(body.model).toBe('gpt-test');
    expect(body.temperature).toBe(0);
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'verdict', strict: true, schema: { type: 'object', required: ['verdict', 'questions'] } },
    });
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[0].content).toMatch(/coding agent/);
    expect(body.messages[1].content).toContain('Export invoices as CSV');
    expect(body.messages[1].content).toContain('Add a CSV export button to the invoices page.');
  });

  it('asks for clarification, with earlier rounds and their answers in the prompt', async () => {
    const api = await fakeApi(
      completion(JSON.stringify({ verdict: 'clarify', questions: ['Which columns?', '  Which date format?  '] })),
    );
    const input: AnalyzeInput = {
      ...task,
      clarifications: [{ questions: ['Which page exactly?'], answers: ['The billing > invoices page'] }],
    };
    const verdict = await analyzer(api.url).analyze(input, new AbortController().signal);

    expect(verdict).toEqual({ verdict: 'clarify', questions: ['Which columns?', 'Which date format?'] });
    const prompt = api.request().messages[1].content;
    expect(prompt).toContain('Which page exactly?');
    expect(prompt).toContain('The billing > invoices page');
  });

  it('sends no Authorization header without an API key', async () => {
    const api = await fakeApi(completion('{"verdict":"dispatch","questions":[]}'));
    await analyzer(api.url, { apiKey: undefined }).analyze(task, new AbortController().signal);
    expect(api.received[0].headers.authorization).toBeUndefined();
  });

  it('accepts a verdict wrapped in a ```json fence', async () => {
    const api = await fakeApi(completion('```json\n{"verdict": "clarify", "questions": ["Which browser?"]}\n```'));
    const verdict = await analyzer(api.url).analyze(task, new AbortController().signal);
    expect(verdict).toEqual({ verdict: 'clarify', questions: ['Which browser?'] });
  });

  it('rejects an answer that is not JSON, without retrying', async () => {
    const api = await fakeApi(completion('Sure! The task looks clear to me.'));
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe(
      'analyzer returned an invalid verdict: the answer is not JSON: Sure! The task looks clear to me.',
    );
    expect(api.received).toHaveLength(1);
  });

  it('rejects a body that is not a chat completion', async () => {
    const api = await fakeApi((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>'));
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe('analyzer returned an invalid verdict: the response is not a chat completion');
  });

  it.each([
    [{ verdict: 'maybe' }, 'verdict must be "dispatch" or "clarify"'],
    [{ verdict: 'clarify', questions: [] }, 'questions must list at least one question'],
    [{ verdict: 'clarify', questions: ['Why?', '  '] }, 'questions[1] must not be empty'],
    [{ verdict: 'clarify', questions: ['1', '2', '3', '4', '5', '6'] }, 'questions must list at most 5 questions'],
    [{ verdict: 'clarify', questions: ['x'.repeat(501)] }, 'questions[0] must be at most 500 characters'],
    [{ verdict: 'clarify' }, 'questions must be a list of questions'],
    [['dispatch'], 'the answer is not a JSON object'],
  ])('rejects the schema-invalid verdict %j', async (content, problem) => {
    const api = await fakeApi(completion(JSON.stringify(content)));
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe(`analyzer returned an invalid verdict: ${problem}`);
    expect(api.received).toHaveLength(1);
  });

  it('retries once after HTTP 500', async () => {
    const api = await fakeApi(
      json(500, { error: { message: 'The server had an error', type: 'server_error' } }),
      completion('{"verdict":"dispatch","questions":[]}'),
    );
    const verdict = await analyzer(api.url).analyze(task, new AbortController().signal);
    expect(verdict).toEqual({ verdict: 'dispatch' });
    expect(api.received).toHaveLength(2);
  });

  it('gives up after the one retry and quotes the error body', async () => {
    const api = await fakeApi(json(503, { error: { message: 'Upstream   overloaded,\n try later' } }));
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe('analyzer answered HTTP 503: Upstream overloaded, try later');
    expect(api.received).toHaveLength(2);
  });

  it('says the API key is rejected on 401, without printing it or retrying', async () => {
    const api = await fakeApi(
      json(401, { error: { message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_request_error' } }),
    );
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe('analyzer rejected the API key (HTTP 401); check the configured key');
    expect(api.received).toHaveLength(1);
  });

  it('does not retry other 4xx, and masks the key if the body echoes it', async () => {
    const api = await fakeApi(json(400, { error: { message: `model "gpt-test" not found for key ${API_KEY}` } }));
    const error = await failure(analyzer(api.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe('analyzer answered HTTP 400: model "gpt-test" not found for key ***');
    expect(api.received).toHaveLength(1);
  });

  it('times out when the server never answers', async () => {
    const api = await fakeApi(never);
    const started = Date.now();
    const error = await failure(analyzer(api.url, { timeoutMs: 300 }).analyze(task, new AbortController().signal));
    expect(error.message).toBe('analyzer did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops when the caller aborts', async () => {
    const api = await fakeApi(never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await failure(analyzer(api.url).analyze(task, controller.signal));
    expect(error.message).toBe('analysis was cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(api.received).toHaveLength(1);
  });

  it('names the host and the cause when it cannot connect', async () => {
    const closed = await fakeApi(never);
    const host = new URL(closed.url).host;
    await closed.close();
    const error = await failure(analyzer(closed.url).analyze(task, new AbortController().signal));
    expect(error.message).toBe(`could not reach the analyzer at ${host}: ECONNREFUSED`);
  });

  it('validates its options', () => {
    expect(() => new OpenAiAnalyzer({ url: 'api.openai.com', model: 'm' })).toThrow(/url must be an http\(s\) URL/);
    expect(() => new OpenAiAnalyzer({ url: 'https://api.openai.com/v1', model: ' ' })).toThrow(/model/);
  });
});
