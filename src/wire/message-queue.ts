/** Single-consumer async queue: the data handler pushes, the connection loop awaits. */
export class MessageQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((item: T) => void) | null = null;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(item);
      return;
    }
    this.items.push(item);
  }

  next(): Promise<T> {
    if (this.head < this.items.length) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
