import { maskIdNumber, maskPhone } from '../http/mask.ts';
import type { Person } from './person.service.ts';

/** A person as lists show them: the ID number and phone masked. */
export function personSummary(p: Person, reveal = false) {
  return {
    id: p.id, name: p.name, idNumber: reveal ? p.idNumber : maskIdNumber(p.idNumber), sex: p.sex,
    birthDate: p.birthDate, phone: p.phone && (reveal ? p.phone : maskPhone(p.phone)), stationId: p.stationId,
    attributes: p.attributes,
  };
}
