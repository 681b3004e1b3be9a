/** Types for the untyped `wakeonlan` package (node_modules/wakeonlan/index.js, v0.1.0). */
declare module 'wakeonlan' {
  interface WakeOptions {
    /** Local address to bind; without it the package sends on every IPv4 interface's broadcast. */
    from?: string;
    /** Destination; only used together with `from`. Default 255.255.255.255. */
    address?: string;
    /** Default 9. */
    port?: number;
    /** Packets to send. Default 3. */
    count?: number;
    /** Between packets. Default 100 ms. */
    interval?: number;
  }

  function wake(mac: string, options?: WakeOptions): Promise<unknown>;
  export default wake;
}
