// Fails while loading: the module does not exist, so no test is ever defined.
require('./does-not-exist');

test('never defined', () => {});
