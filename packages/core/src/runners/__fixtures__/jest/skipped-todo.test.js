describe('later', () => {
  it.skip('is skipped', () => {
    expect(true).toBe(false);
  });

  it.todo('is a todo');

  xit('is skipped with xit', () => {});
});

describe.skip('skipped suite', () => {
  it('is skipped with its suite', () => {});
});
