# A session with curl against a running platform (`npm start`): the README shows this file verbatim.
# Paste it into a shell, or run `bash scripts/try-it.sh`. It works with any DATA_DIR (it asks the
# platform at `GET /` where the admin password is kept) and is safe to run again: every run uses its
# own e-mail addresses, course title and Idempotency-Key. COURSEHUB_URL picks another platform.
B=${COURSEHUB_URL:-http://localhost:3000}; J='content-type: application/json'; RUN=$(date +%s)
# field NAME: prints a field of the JSON answer on stdin (a.b for nested ones), or says what came instead.
field() { node -e 'let s=require("fs").readFileSync(0,"utf8"),v;try{v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s))}catch{}if(v==null){console.error("expected "+process.argv[1]+", got: "+s);process.exit(1)}console.log(v)' "$1"; }
api() { curl -sS --fail-with-body "$@"; echo; }
token() { api -XPOST $B/auth/login -H "$J" -d "{\"email\":\"$1\",\"password\":\"$2\"}" | field accessToken; }

# The first admin: ADMIN_EMAIL/ADMIN_PASSWORD when you set them, else what the platform generated.
ADMIN_EMAIL=${ADMIN_EMAIL:-$(api -H 'accept: application/json' $B/ | field admin.email)}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-$(cat "$(api -H 'accept: application/json' $B/ | field admin.passwordFile)")}
ADMIN=$(token "$ADMIN_EMAIL" "$ADMIN_PASSWORD")

# An instructor: register, then an admin grants the role
INES=$(api -XPOST $B/auth/register -H "$J" -d "{\"email\":\"ines-$RUN@example.com\",\"password\":\"correct-horse-1\",\"displayName\":\"Ines\"}" | field id)
api -XPATCH $B/users/$INES/roles -H "$J" -H "authorization: Bearer $ADMIN" -d '{"roles":["instructor"]}'
INSTRUCTOR=$(token ines-$RUN@example.com correct-horse-1)

# A course, published
COURSE=$(api -XPOST $B/courses -H "$J" -H "authorization: Bearer $INSTRUCTOR" -d "{\"title\":\"Practical PostgreSQL $RUN\",\"summary\":\"Queries, indexes and transactions.\",\"tags\":[\"sql\",\"databases\"],\"category\":\"development\",\"level\":\"beginner\",\"language\":\"en\",\"price\":4900,\"currency\":\"EUR\"}" | field id)
# Its curriculum: a section with a free preview lesson and a paid one (Markdown, rendered to safe HTML)
SECTION=$(api -XPOST $B/courses/$COURSE/sections -H "$J" -H "authorization: Bearer $INSTRUCTOR" -d '{"title":"Getting started"}' | field id)
PREVIEW=$(api -XPOST $B/courses/$COURSE/sections/$SECTION/lessons -H "$J" -H "authorization: Bearer $INSTRUCTOR" -d '{"title":"Welcome","kind":"video","videoUrl":"https://videos.example.com/welcome.mp4","durationSeconds":120,"preview":true}' | field id)
LESSON=$(api -XPOST $B/courses/$COURSE/sections/$SECTION/lessons -H "$J" -H "authorization: Bearer $INSTRUCTOR" -d '{"title":"How an index finds a row","kind":"article","body":"# B-trees\n\nKeys are kept **sorted**.","durationSeconds":540}' | field id)
api -XPOST $B/courses/$COURSE/publish -H "authorization: Bearer $INSTRUCTOR"
api $B/courses/$COURSE/curriculum
api $B/courses/$COURSE/lessons/$PREVIEW

# A student searches, orders (safe to retry with the same Idempotency-Key), lists the orders
api -XPOST $B/auth/register -H "$J" -d "{\"email\":\"sam-$RUN@example.com\",\"password\":\"correct-horse-2\",\"displayName\":\"Sam\"}"
SAM=$(token sam-$RUN@example.com correct-horse-2)
api "$B/courses?q=postgresql&limit=5"
api -XPOST $B/orders -H "$J" -H "authorization: Bearer $SAM" -H "idempotency-key: order-$RUN" -d "{\"courseId\":\"$COURSE\"}"
api $B/orders -H "authorization: Bearer $SAM"

# Eventually consistent: the enrolment e-mail and the recommendations follow the order through the
# outbox, within about a second. Until then the e-mail is missing and the course may still be recommended.
sleep 2
api $B/courses/recommendations -H "authorization: Bearer $SAM"

# Sam learns: opens the paid lesson (a 403 before the order), marks both lessons done, and the
# certificate is issued with the last one; anyone can verify it at its public URL. Then a review.
api $B/courses/$COURSE/lessons/$LESSON -H "authorization: Bearer $SAM"
api -XPUT $B/courses/$COURSE/lessons/$PREVIEW/completion -H "authorization: Bearer $SAM"
CERTIFICATE=$(api -XPUT $B/courses/$COURSE/lessons/$LESSON/completion -H "authorization: Bearer $SAM" | field certificateId)
api $B/me/courses -H "authorization: Bearer $SAM"
api $B/certificates/$CERTIFICATE
api -XPUT $B/courses/$COURSE/reviews/mine -H "$J" -H "authorization: Bearer $SAM" -d '{"rating":5,"comment":"Clear and to the point."}'
api $B/courses/$COURSE/reviews
sleep 1

# What was e-mailed to Sam (welcome, verification, enrolment, course completed; the page: $B/dev/mailbox), and the e-mail log for admins
api -H 'accept: application/json' $B/dev/mailbox | node -e 'for (const m of JSON.parse(require("fs").readFileSync(0))) if (m.to.includes(process.argv[1])) console.log(m.receivedAt, m.subject)' sam-$RUN@example.com
api "$B/emails?limit=5" -H "authorization: Bearer $ADMIN"
