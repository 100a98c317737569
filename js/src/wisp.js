// placeholder, replaced by the Wisp transport
export function wisp() { throw new Error('wisp: not implemented yet'); }
