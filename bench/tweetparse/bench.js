// Times twitter-text's parseTweet + extractEntitiesWithIndices over a JSONL
// corpus (one {"text": ...} per line); with --dump prints one JSON result per
// tweet in the shape goparse -dump prints.
// Usage: NODE_PATH=DIR/node_modules node bench.js corpus.jsonl [--dump] [--rounds N]
'use strict';
const fs = require('fs');
const twitterText = require('twitter-text');

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) || 'corpus.jsonl';
const dump = args.includes('--dump');
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? parseInt(args[ri + 1], 10) : 5;
const texts = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);

if (dump) {
  const out = [];
  for (const t of texts) {
    const p = twitterText.parseTweet(t);
    const es = twitterText.extractEntitiesWithIndices(t).map((e) => {
      if (e.url !== undefined) return { kind: 'url', value: e.url, start: e.indices[0], end: e.indices[1] };
      if (e.screenName !== undefined) return { kind: 'mention', value: e.screenName, start: e.indices[0], end: e.indices[1] };
      if (e.hashtag !== undefined) return { kind: 'hashtag', value: e.hashtag, start: e.indices[0], end: e.indices[1] };
      return { kind: 'cashtag', value: e.cashtag, start: e.indices[0], end: e.indices[1] };
    });
    const order = { url: 0, mention: 1, hashtag: 2, cashtag: 3 };
    es.sort((a, b) => order[a.kind] - order[b.kind] || a.start - b.start);
    out.push(JSON.stringify({ entities: es, weightedLength: p.weightedLength, valid: p.valid,
      permillage: p.permillage, validRangeEnd: p.validRangeEnd }));
  }
  process.stdout.write(out.join('\n') + '\n');
} else {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (const t of texts) {
      const p = twitterText.parseTweet(t);
      const es = twitterText.extractEntitiesWithIndices(t);
      sink += p.weightedLength + es.length;
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    if (secs < best) best = secs;
  }
  console.log(`node twitter-text: ${texts.length} tweets, best of ${rounds}: ${Math.round(texts.length / best)} tweets/s (checksum ${Math.round(sink / rounds)})`);
}
