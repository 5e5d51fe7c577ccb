/**
 * Who is in which room: room name → (peer id → member handle). Knows nothing of sockets; the server
 * passes its per-connection session as the handle. Empty rooms are deleted, so the map never holds more
 * than maxRooms rooms of at most maxRoomSize members.
 */
import type { PeerId } from '../../src/wire/frames.js';
import { SignalingErrorCode } from '../../src/signaling/errors.js';

export type JoinResult<S> =
  | { ok: true; /** The members before this join (whom to tell, and whom to list in `joined`). */ others: Map<PeerId, S> }
  | { ok: false; code: SignalingErrorCode };

export class Rooms<S> {
  private readonly rooms = new Map<string, Map<PeerId, S>>();

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
    const others = new Map(members);
    if (!members) {
      members = new Map();
      this.rooms.set(room, members);
    }
    members.set(peerId, member);
    return { ok: true, others };
  }

  /** Removes the member; returns the members left behind (to tell), or nothing when it was not there. */
  leave(room: string, peerId: PeerId): Map<PeerId, S> | undefined {
    const members = this.rooms.get(room);
    if (!members?.delete(peerId)) return undefined;
    if (members.size === 0) this.rooms.delete(room);
    return members;
  }
}
