// simple-peer's prebuilt browser bundle (no Node polyfills needed, unlike the bare `simple-peer` import).
declare module 'simple-peer/simplepeer.min.js' {
  const SimplePeer: new (options: unknown) => unknown;
  export default SimplePeer;
}
