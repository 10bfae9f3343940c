// The one list of the data-* attributes that the page writes for the end-to-end tests (and
// for anyone driving the page from a script), with what each means. The harness refuses to
// read a body attribute that is not listed here, and contract.test.mjs checks that the page's
// Rust code writes every listed attribute and no unlisted one.

/** `<body data-…>`, by dataset name (camelCase of the attribute after `data-`). */
export const BODY_DATA = {
  ready: '"1" once the page has started',
  crashed: '"1" after a panic (the error panel is shown)',
  scene: 'the scene whose elements are visible (a story page shows its own)',
  shown: 'the scene the router draws (equal to scene)',
  story: '"1" on a story page',
  embed: '"1" in embed mode (slides)',
  gran: 'ticket granularity, neuron or weight',
  copiedUrl: 'the URL "Copy link" copied',
  drawer: 'open or closed: the settings drawer on phones',
  theme: 'auto, dark or light: the colour theme the visitor chose',
  held: '"1" while a view waits for the visitor to press Start (reduced motion)',
  // playground
  step: 'optimiser plus polishing steps of the playground run',
  loss: 'the playground run\'s current loss (the last point of its loss curve)',
  lossInitial: 'the loss at the initial point',
  running: '"1" while the playground trains',
  runPhase: 'training, polishing, success, failed or diverged (the engine\'s verdict)',
  slice: 'idle, computing or ready',
  sliceStep: 'the step at which the ready slice was taken',
  sliceWhere: 'workers or page: where the last slice\'s rows were computed',
  sliceWorkers: 'loading, ready or none',
  slicesDone: 'slices the playground finished since the page opened (live ones included)',
  surface: '2d, 3d, or unavailable (3-D asked for, no WebGL2): how slices are drawn',
  surfaceMs: 'milliseconds the last 3-D render took on the main thread',
  // sweep
  sweepState: 'idle, running, done or cancelled',
  sweepDone: 'runs finished',
  sweepTotal: 'runs in the batch',
  // minima (the census)
  minimaState: 'idle, census, widening, done or cancelled',
  minimaDone: 'census end points plus widening embeddings finished',
  minimaTotal: 'jobs known so far: the census\'s seeds, plus the embeddings once the census is in',
  // sweep and tickets (src/web/workers.rs; offline.test.mjs reports it for the single file)
  experimentsWhere: 'workers or page: where the last sweep or ticket run was computed (unset before one)',
  // tickets
  ticketsState: 'idle, running, done or cancelled (the table)',
  ticketsDone: 'tickets finished in the table',
  ticketsFocusAlone: 'the live ticket alone: wins, loses or diverged (empty until judged)',
  ticketsFocusEmbedded: 'the live ticket embedded: wins, loses or diverged (empty until judged)',
  // escape
  escapePhase: 'training, polishing, diverged, not-stuck, stuck, escaping, escaped, not-escaped or diverged-after',
  escapeLoss: 'the loss of the loss curve\'s last drawn point',
  escapeStuckLoss: 'the narrow student\'s polished loss',
  escapeMinEigBefore: 'its smallest Hessian eigenvalue',
  escapeMinEigAfter: 'the smallest eigenvalue after adding a neuron',
  escapeNegativeAfter: 'how many eigenvalues are below -1e-6 after adding a neuron',
  escapeSliceStartLoss: 'the drawn slice\'s loss under the path\'s first point ("none" outside)',
  escapeSliceEndLoss: 'the drawn slice\'s loss under the path\'s last point ("none" outside)',
  escapePathInside: '"1" if every point of the path lies inside the plotted square',
  // compare
  compareNarrow: 'the narrow run: training, success, failed or diverged',
  compareWide: 'the wide run: training, success, failed or diverged',
  compareNarrowLoss: 'the narrow run\'s current loss',
  compareWideLoss: 'the wide run\'s current loss',
};

/** Attributes of other elements, by element id. */
export const ELEMENT_DATA = {
  story: { numbers: 'key=value;… the numbers the page\'s claim quotes', holds: '"1" if the claim holds for what is shown' },
  status: { kind: 'info, or error when the run diverged' },
};

/** `data-foo-bar` for the dataset name `fooBar`. */
export const attributeName = (key) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Throws unless `key` is a listed body attribute. */
export function checkBodyKey(key) {
  if (!Object.hasOwn(BODY_DATA, key)) {
    throw new Error(`${attributeName(key)} is not in tests/e2e/contract.mjs`);
  }
  return key;
}
