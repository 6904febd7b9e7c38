/** The course ids of each user's enrolments, in order (`Map.groupBy` needs Node 21; this repo runs on 20). */
export function coursesByUser(
  enrolments: Iterable<{ userId: string; courseId: string }>,
): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const { userId, courseId } of enrolments) {
    const courses = byUser.get(userId);
    if (courses) courses.push(courseId);
    else byUser.set(userId, [courseId]);
  }
  return byUser;
}
