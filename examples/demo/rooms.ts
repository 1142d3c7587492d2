/** Room membership: room name → members. A room exists only while it has members. */
export class Rooms<Member> {
  private readonly rooms = new Map<string, Set<Member>>();

  join(room: string, member: Member): void {
    let members = this.rooms.get(room);
    if (!members) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(member);
  }

  leave(room: string, member: Member): void {
    const members = this.rooms.get(room);
    if (!members) return;
    members.delete(member);
    if (members.size === 0) this.rooms.delete(room);
  }

  members(room: string): ReadonlySet<Member> {
    return this.rooms.get(room) ?? new Set();
  }

  /** Room names with their member counts. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, members] of this.rooms) out[name] = members.size;
    return out;
  }
}
