/**
 * Who is in which room: room name → (peer id → member handle). Knows nothing of sockets; the server
 * passes its per-connection session as the handle. Empty rooms are deleted, so the map never holds more
 * than maxRooms rooms of at most maxRoomSize members.
 */
import type { PeerId } from '../../src/wire/frames.js';
import { SignalingErrorCode } from '../../src/signaling/errors.js';

export type JoinResult<S> =
  | {
      ok: true;
      /** The room's members, the joiner included (the others are whom to tell and to list in `joined`). */
      members: ReadonlyMap<PeerId, S>;
      /** The room's name as the room keeps it: one string shared by every member, not a copy each. */
      room: string;
    }
  | { ok: false; code: SignalingErrorCode };

/** A room's members, and its name (the map key's own string, which a lookup by name cannot return). */
class Members<S> extends Map<PeerId, S> {
  constructor(readonly name: string) {
    super();
  }
}

export class Rooms<S> {
  private readonly rooms = new Map<string, Members<S>>();

  constructor(private readonly limits: { maxRooms: number; maxRoomSize: number }) {}

  get size(): number {
    return this.rooms.size;
  }

  get(room: string, peerId: PeerId): S | undefined {
    return this.rooms.get(room)?.get(peerId);
  }

  join(room: string, peerId: PeerId, member: S): JoinResult<S> {
    let members = this.rooms.get(room);
    if (members?.has(peerId)) return { ok: false, code: SignalingErrorCode.idTaken };
    if (!members && this.rooms.size >= this.limits.maxRooms) return { ok: false, code: SignalingErrorCode.tooManyRooms };
    if (members && members.size >= this.limits.maxRoomSize) return { ok: false, code: SignalingErrorCode.roomFull };
    if (!members) {
      members = new Members(room);
      this.rooms.set(room, members);
    }
    members.set(peerId, member);
    return { ok: true, members, room: members.name };
  }

  /** Removes the member; returns the members left behind (to tell), or nothing when it was not there. */
  leave(room: string, peerId: PeerId): Map<PeerId, S> | undefined {
    const members = this.rooms.get(room);
    if (!members?.delete(peerId)) return undefined;
    if (members.size === 0) this.rooms.delete(room);
    return members;
  }
}
