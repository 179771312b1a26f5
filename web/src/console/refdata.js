// Reference lists used by several console views, fetched once per page load.
import { api } from '../common/api.js';

let townsPromise = null;
let departmentsPromise = null;

/** Towns as plain records (the properties of GET /towns features), sorted by code. */
export function loadTowns() {
  if (!townsPromise) {
    townsPromise = api
      .get('/towns')
      .then((fc) =>
        ((fc && fc.features) || [])
          .map((f) => f.properties || {})
          .sort((a, b) => String(a.code).localeCompare(String(b.code))),
      )
      .catch((err) => {
        townsPromise = null;
        throw err;
      });
  }
  return townsPromise;
}

export function loadDepartments() {
  if (!departmentsPromise) {
    departmentsPromise = api.get('/departments').catch((err) => {
      departmentsPromise = null;
      throw err;
    });
  }
  return departmentsPromise;
}
